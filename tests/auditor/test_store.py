from datetime import UTC, datetime, timedelta

from auditor.model import CaptureError, ChannelResult, Finding, Run, Severity
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


def test_a_run_with_failed_pages_does_not_make_old_findings_new(tmp_path, make_obs):
    import dataclasses

    from auditor.config import load_config
    from auditor.pipeline import check_run
    from tests.auditor.test_cli import CONFIG_PATH

    config = load_config(CONFIG_PATH)
    o = make_obs("desktop", "mbb-100", "monthly_price", "24.90")
    p = make_obs("mobile", "mbb-100", "monthly_price", "26.90")

    def audited(run_id: str, minutes: int) -> Run:
        at = (datetime(2026, 11, 23, tzinfo=UTC) + timedelta(minutes=minutes)).isoformat()
        channels = {"desktop": ChannelResult("desktop", "web", "desktop", 1, 0, (), (o,)),
                    "mobile": ChannelResult("mobile", "web", "iPhone 13", 1, 0, (), (p,))}
        return Run(run_id, "shop", None, at, at, channels, (o, p), ())

    store = Store(tmp_path / "h.sqlite")
    first = check_run(audited("r1", 0), config)
    [mismatch] = [f for f in first.findings if f.check == "price_mismatch"]
    assert mismatch.status == "new"
    store.save(first)
    # The next run could not read mobile's page: it could not make the finding.
    broken = audited("r2", 5)
    broken = dataclasses.replace(broken, observations=(o,), channels={
        **broken.channels, "mobile": ChannelResult(
            "mobile", "web", "iPhone 13", 0, 1, (CaptureError("mobile", "http://m/", "HTTP 500"),),
            ())})
    broken = check_run(broken, config, previous=store.previous("shop", broken.started_at),
                       seen=store.seen_before("shop", broken.started_at))
    assert not broken.complete and mismatch.fingerprint not in {f.fingerprint
                                                                for f in broken.findings}
    store.save(broken)
    store.save(dataclasses.replace(audited("r3", 7), interrupted=True))
    # A good run again: the long-standing finding is persisting, not new; the interrupted
    # run is never its previous run.
    third = audited("r4", 10)
    assert store.previous("shop", third.started_at).id == "r2"
    third = check_run(third, config, previous=store.previous("shop", third.started_at),
                      seen=store.seen_before("shop", third.started_at))
    assert [f.status for f in third.findings if f.fingerprint == mismatch.fingerprint] == [
        "persisting"]
    # Without the history walk (only the previous run) it would have been "new".
    naive = check_run(audited("r5", 11), config, previous=store.previous("shop", "9"))
    assert [f.status for f in naive.findings if f.fingerprint == mismatch.fingerprint] == ["new"]
