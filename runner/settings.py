"""Runner settings, read from TALK_* environment variables when first asked for."""

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TALK_URL = "mysql+pymysql://root:example@localhost/exampledb"
# Not in build/: the runner serves that folder, and the database is no part of the deck.
SQLITE_FILE = PROJECT_ROOT / ".talk" / "exampledb.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALK_")

    database_url: str = TALK_URL
    run_timeout_s: float = 30.0
    output_cap_bytes: int = 1024 * 1024
    max_concurrent_runs: int = 3
    build_dir: Path = PROJECT_ROOT / "build"


@lru_cache
def get_settings() -> Settings:
    return Settings()


def sqlite_url() -> str:
    """The embedded fallback: one SQLite file in the project's .talk/ folder."""
    return f"sqlite:///{SQLITE_FILE}"
