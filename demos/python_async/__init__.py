"""Asynchronous programming in Python: coroutines, tasks, gather, TaskGroup."""
