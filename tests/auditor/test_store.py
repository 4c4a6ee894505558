from datetime import UTC, datetime, timedelta

from auditor.model import ChannelResult, Finding, Run, Severity
from auditor.store import Store


def _run(run_id: str, minutes: int, fingerprints: list[str], make_obs) -> Run:
    started = (datetime(2026, 11, 23, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat()
    o = make_obs("desktop", "mbb-100", "monthly_price", "24.90")
    findings = tuple(Finding(fp, "price_mismatch", Severity.HIGH, "mbb-100", "monthly_price",
                             ("desktop",), (o.id,), f"msg {fp}") for fp in fingerprints)
    ch = ChannelResult("desktop", "web", "desktop", 3, 0, (), (o,), ("http://127.0.0.1/",))
    return Run(run_id, "shop", "audit.yaml", started, started, {"desktop": ch}, (o,), findings,
               subjects=("mbb-100",), subject_names={"mbb-100": "Mobiililaajakaista 100M"})


def test_round_trip_previous_and_history(tmp_path, make_obs):
    store = Store(tmp_path / "h.sqlite")
    first, second = _run("r1", 0, ["a", "b"], make_obs), _run("r2", 5, ["b"], make_obs)
    store.save(first)
    store.save(second)
    loaded = store.load("r2")
    assert loaded.findings == second.findings and loaded.observations == second.observations
    assert loaded.channels["desktop"].visited == ("http://127.0.0.1/",)
    assert store.previous("shop", second.started_at).id == "r1"
    assert store.previous("shop", first.started_at) is None
    assert [r["id"] for r in store.history()] == ["r2", "r1"]
    assert [r["findings"] for r in store.history("shop")] == [1, 2]
    # Reopening the same file sees the same history (a real file, not memory).
    assert Store(tmp_path / "h.sqlite").load("r1").findings == first.findings
