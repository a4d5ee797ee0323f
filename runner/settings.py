"""Runner settings, read from TALK_* environment variables when first asked for."""

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from demos.connection import configured_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TALK_URL = "mysql+pymysql://root:example@localhost/exampledb"
# Not in build/: the runner serves that folder, and the database is no part of the deck.
SQLITE_FILE = PROJECT_ROOT / ".talk" / "exampledb.sqlite3"


def _database_url() -> str:
    return configured_server() or TALK_URL


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALK_")

    # TALK_DATABASE_URL: read by demos.connection, for the runner and every demo alike.
    database_url: str = Field(default_factory=_database_url)
    run_timeout_s: float = 30.0
    output_cap_bytes: int = 1024 * 1024
    max_concurrent_runs: int = 3
    build_dir: Path = PROJECT_ROOT / "build"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _TalkVariables(settings_cls)


class _TalkVariables(EnvSettingsSource):
    """The TALK_* variables but TALK_DATABASE_URL, which has its one reader elsewhere."""

    def __call__(self) -> dict[str, Any]:
        return {name: value for name, value in super().__call__().items() if name != "database_url"}


@lru_cache
def get_settings() -> Settings:
    return Settings()


def sqlite_url() -> str:
    """The embedded fallback: one SQLite file in the project's .talk/ folder."""
    return f"sqlite:///{SQLITE_FILE}"
