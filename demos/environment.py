"""The environment variables that tell a demo its database, in a module that imports
nothing: a run's supervisor reads them before any demo code, and must not pay for
SQLAlchemy's import when the demo needs no database."""

ENV_VAR = "TALK_DATABASE_URL"
# Set (to the reason) when the talk fell back to SQLite on its own: every run says so.
FALLBACK_VAR = "TALK_DATABASE_FALLBACK"
