"""The SQLAlchemy ORM, synchronously: engine, raw SQL, the Todo model."""
