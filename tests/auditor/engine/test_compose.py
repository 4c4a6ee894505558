"""docs/scale-out/docker-compose.yml is parsed and every Omniaudit command in it is
checked against the real CLI: options exist and take the values given, the workers and the
coordinator reach the compose file's own Redis, and they share one volume at one path."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click
import yaml

from auditor.cli import main

ROOT = Path(__file__).resolve().parents[3]
COMPOSE = ROOT / "docs" / "scale-out" / "docker-compose.yml"


def _services() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]


def _parse(command: list[str]) -> click.Context:
    assert command[0] == "omniaudit", command
    with click.Context(main, info_name="omniaudit") as parent:
        sub = main.get_command(parent, command[1])
        assert sub is not None, f"no command {command[1]!r}"
        return sub.make_context(command[1], list(command[2:]), parent=parent)


def test_the_compose_file_has_redis_workers_and_a_coordinator():
    services = _services()
    assert {"redis", "worker", "coordinator"} <= set(services)
    assert services["redis"]["command"][0] == "redis-server"
    assert services["worker"]["deploy"]["replicas"] >= 2


def test_every_omniaudit_command_parses_with_the_cli_and_reaches_the_compose_redis():
    services = _services()
    worker = _parse(services["worker"]["command"])
    coordinator = _parse(services["coordinator"]["command"])
    assert worker.command.name == "worker" and worker.params["concurrency"] == 1
    assert coordinator.command.name == "run" and coordinator.params["engine"] == "celery"
    for ctx in (worker, coordinator):
        broker = urlsplit(ctx.params["broker"])
        assert broker.scheme == "redis" and broker.hostname in services
        assert broker.port == 6379
    for name in ("worker", "coordinator"):
        env = services[name]["environment"]
        assert urlsplit(env["OMNIAUDIT_BROKER"]).hostname == "redis"


def test_workers_and_the_coordinator_share_one_volume_at_one_path():
    services = _services()

    def mounts(name: str) -> dict[str, str]:
        return dict(v.split(":")[:2][::-1] for v in services[name]["volumes"]
                    if not v.startswith(".")) if services[name].get("volumes") else {}

    shared = mounts("worker")
    assert shared and all(mounts("coordinator").get(path) == vol
                          for path, vol in shared.items())
    out = _parse(services["coordinator"]["command"]).params["out"]
    assert any(str(out).startswith(path + "/") for path in shared)
    assert (COMPOSE.parent / services["worker"]["build"]["dockerfile"].split("/")[-1]).is_file()
