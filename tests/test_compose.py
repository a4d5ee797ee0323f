"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

The compose file must be valid against the Compose Specification's JSON schema and
keep the runner safe: ports published on 127.0.0.1 only, the runner started only
once MySQL answers, and the runner and the healthcheck pointed at that MySQL.
"""

import re
from typing import Any

import jsonschema
import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema
from sqlalchemy.engine import make_url

from runner.settings import PROJECT_ROOT

pytestmark = pytest.mark.fast


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The Compose Specification's schema, as check-jsonschema ships it."""
    return get_builtin_schema("vendor.compose-spec")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())
    return loaded


def test_compose_file_is_valid_against_the_compose_spec(
    compose: dict[str, Any], schema: dict[str, Any]
) -> None:
    jsonschema.validate(compose, schema)  # the draft its $schema names


def test_the_healthcheck_and_the_runner_log_in_as_the_mysql_service_is_set_up(
    compose: dict[str, Any],
) -> None:
    mysql, runner = compose["services"]["mysql"], compose["services"]["runner"]
    password = mysql["environment"]["MYSQL_ROOT_PASSWORD"]
    url = make_url(runner["environment"]["TALK_DATABASE_URL"])
    assert (url.username, url.password, url.host, url.database) == (
        "root",
        password,
        "mysql",  # the service's name is its host name on the compose network
        mysql["environment"]["MYSQL_DATABASE"],
    )
    assert f"-p{password}" in mysql["healthcheck"]["test"]


def test_every_published_port_binds_to_loopback_only(compose: dict[str, Any]) -> None:
    ports = {name: service.get("ports", []) for name, service in compose["services"].items()}
    assert ports == {"mysql": ["127.0.0.1:3306:3306"], "runner": ["127.0.0.1:8000:8000"]}


def test_the_runner_starts_once_mysql_is_healthy(compose: dict[str, Any]) -> None:
    mysql, runner = compose["services"]["mysql"], compose["services"]["runner"]
    assert runner["depends_on"] == {"mysql": {"condition": "service_healthy"}}
    assert "mysqladmin" in mysql["healthcheck"]["test"]
    assert "ping" in mysql["healthcheck"]["test"]


def test_the_runner_uses_the_compose_mysql_and_serves_on_all_container_interfaces(
    compose: dict[str, Any],
) -> None:
    mysql, runner = compose["services"]["mysql"], compose["services"]["runner"]
    assert mysql["image"] == "mysql:8"
    assert mysql["environment"] == {"MYSQL_ROOT_PASSWORD": "example", "MYSQL_DATABASE": "exampledb"}
    assert runner["environment"]["TALK_DATABASE_URL"] == (
        "mysql+pymysql://root:example@mysql/exampledb"
    )
    command = " ".join(runner["command"])
    assert re.search(r"talk db init && exec talk serve --host 0\.0\.0\.0 --no-browser", command)
    assert runner["init"] is True  # PID 1 reaps what demos leave behind


def test_the_dockerfile_builds_the_deck_from_npm_and_runs_unprivileged() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)
    assert stages[-1] == "python:3.11-slim"
    assert "npm ci" in dockerfile and "talk build" in dockerfile
    assert re.search(r"^USER talk$", dockerfile, re.MULTILINE)
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    assert {"node_modules", "build", ".git"} <= set(ignored)
