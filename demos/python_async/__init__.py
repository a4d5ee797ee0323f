"""Asynchronous programming in Python: coroutines, await, gather, TaskGroup."""
