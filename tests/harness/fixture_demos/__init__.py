"""Demos that misbehave on purpose, for the runner's tests only (never in the catalog)."""
