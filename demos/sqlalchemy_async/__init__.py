"""Asynchronous SQLAlchemy: AsyncEngine, AsyncSession, and the payoff."""
