"""Concurrency vs parallelism: what the GIL lets threads, processes and asyncio do."""
