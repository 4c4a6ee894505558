"""The engine a run uses, from its config (``engine``) and the ``--engine`` / ``--broker``
options: ``None`` for the in-process crawl, else a ready :class:`~auditor.engine.Engine`
whose broker has answered."""

from __future__ import annotations

from pathlib import Path

from auditor.config import AuditConfig, ConfigError
from auditor.engine import Engine

__all__ = ["engine_for", "with_engine"]


def with_engine(config: AuditConfig, kind: str | None, broker: str | None) -> AuditConfig:
    """The config with ``--engine`` and ``--broker`` in place of its ``engine`` keys."""
    update = {k: v for k, v in (("kind", kind), ("broker", broker)) if v}
    if not update:
        return config
    return config.model_copy(update={"engine": config.engine.model_copy(update=update)})


def engine_for(config: AuditConfig, out_dir: Path, *, resume: bool = False) -> Engine | None:
    """The run's engine; a Celery engine without a broker is a config error (exit 2), an
    unreachable broker an :class:`~auditor.engine.EngineError` (exit 2), both before any
    page or transcript is read. ``resume`` continues a run whose coordinator stopped."""
    settings = config.engine
    if settings.kind == "inprocess":
        return None
    if not settings.broker:
        raise ConfigError("engine celery needs a broker: --broker redis://HOST:6379/0 or "
                          "engine.broker in the config", file=config.source,
                          key="engine.broker")
    from auditor.engine.celery_engine import CeleryEngine, check_broker
    from auditor.engine.coordinator import Batching

    check_broker(settings.broker)
    del out_dir  # without engine.shared_dir, results go to the run's own output folder
    shared = config.resolve(settings.shared_dir) if settings.shared_dir else None
    return CeleryEngine(settings.broker, shared, batching=Batching(
        batch_size=settings.batch_size, in_flight=settings.in_flight,
        deadline_s=settings.batch_seconds), resume=resume)
