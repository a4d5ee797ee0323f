"""Runner settings, read from TALK_* environment variables when first asked for.

The database is not among them: an entry point (`talk`, a test session) decides it
once (demos.connection.decide) and hands it over with :meth:`Settings.using`.
Without that, settings take the database this process was started with, if any.
A variable that cannot be used is refused when the settings are read, in one line
per variable naming it, its value and the fix (:func:`problems`), never a traceback.
"""

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from demos.connection import TALK_URL, DatabaseChoice, choice_for, handed_down

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The project's own folders: a build, which writes index.html, assets/ and
# reveal.js/ into its folder, must write into none of them.
SOURCE_FOLDERS = (
    "slides",
    "demos",
    "runner",
    "assets",
    "tests",
    "benchmarks",
    "docs",
    "node_modules",
    ".git",
    ".venv",
    ".talk",
)
BUILD_DIR_FIX = "point TALK_BUILD_DIR at a folder of its own, or unset it for build/"


class UnusableBuildDir(ValueError):
    """A build folder that cannot be written, said in one line with the fix."""


def _given_url() -> str:
    return (handed_down() or DatabaseChoice(TALK_URL)).url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TALK_")

    # The database chosen, and why SQLite when the talk fell back to it.
    database_url: str = Field(default_factory=_given_url)
    # Unless given: why the process was started on SQLite, if database_url is that file.
    database_fallback: str | None = None
    run_timeout_s: float = 30.0
    output_cap_bytes: int = 1024 * 1024
    max_concurrent_runs: int = 3
    build_dir: Path = PROJECT_ROOT / "build"

    @field_validator("build_dir")
    @classmethod
    def _a_folder_of_its_own(cls, folder: Path) -> Path:
        """The build folder, absolute; not the project, nor a folder of its sources."""
        folder = folder.expanduser().resolve()
        if folder == PROJECT_ROOT or folder in PROJECT_ROOT.parents:
            raise ValueError(f"{folder} holds the whole project; {BUILD_DIR_FIX}")
        for name in SOURCE_FOLDERS:
            if folder.is_relative_to(PROJECT_ROOT / name):
                raise ValueError(f"{folder} is in the project's {name}/; {BUILD_DIR_FIX}")
        return folder

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

    @model_validator(mode="after")
    def _fallback_goes_with_its_url(self) -> "Settings":
        if "database_fallback" not in self.model_fields_set:
            self.database_fallback = choice_for(self.database_url).fallback
        return self

    @property
    def database(self) -> DatabaseChoice:
        return DatabaseChoice(self.database_url, self.database_fallback)

    def using(self, database: DatabaseChoice) -> "Settings":
        """These settings with the database an entry point chose."""
        return self.model_copy(
            update={"database_url": database.url, "database_fallback": database.fallback}
        )


class _TalkVariables(EnvSettingsSource):
    """The TALK_* variables but the database's, which demos.connection reads."""

    def __call__(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in super().__call__().items()
            if not name.startswith("database_")
        }


def get_settings() -> Settings:
    """The settings as the environment gives them now: cheap to read, so never cached."""
    return Settings()


def problems(error: ValidationError) -> Iterator[str]:
    """One line per TALK_* variable the settings refused: the variable, its value, the fix."""
    for found in error.errors():
        name = str(found["loc"][0]) if found["loc"] else "?"
        reason = found["msg"].removeprefix("Value error, ")
        default = Settings.model_fields[name].default if name in Settings.model_fields else None
        if "; " not in reason and default is not None:
            reason += f"; fix it, or unset it for the default, {default}"
        yield f"TALK_{name.upper()}={found['input']!r}: {reason}"


def writable_build_dir(folder: Path) -> Path:
    """folder, made if need be, once a file can be written in it; else UnusableBuildDir."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        reason = error.strerror or type(error).__name__
        shown = os.fspath(error.filename or folder)
        raise UnusableBuildDir(
            f"TALK_BUILD_DIR: cannot write the deck into {folder} ({reason}: {shown}); "
            f"{BUILD_DIR_FIX}"
        ) from None
    return folder
