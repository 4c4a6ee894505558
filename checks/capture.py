"""A channel, page or transcript that could not be read: a gap, never a pass."""

from __future__ import annotations

from collections.abc import Iterable

from checks.context import CheckContext, Issue
from checks.registry import Option, check

#: The subject of capture findings: they are about the audit's reach, not about an offer.
CAPTURE_SUBJECT = "capture"


@check("capture_gap", severity="high", options={
    "per_target": Option(True, "One finding per unreadable page or transcript (waivable one "
                               "by one); false: one finding per channel."),
})
def capture_gap(ctx: CheckContext) -> Iterable[Issue]:
    """A channel, page or transcript could not be read, so nothing was checked there.

    Every other check compares what it saw; a page that timed out or a transcript that did
    not parse shows no price, no fee and no mismatch — which must never read as "no
    problems". The run already exits 3 when a channel is incomplete; this check puts each
    gap in the findings too, where it can be tracked, baselined and, for a page that is
    known to be flaky, waived. A channel that read nothing at all is one finding; otherwise
    each unreadable target is its own finding, identified by the target (a URL path or a
    transcript file), so fixing one does not disturb the others' ids.
    """
    for name, info in sorted(ctx.channels.items()):
        if not info.errors and info.complete:
            continue
        if info.pages_ok and not info.errors and info.failed_pages.get("*"):
            yield Issue(
                subject=CAPTURE_SUBJECT, attribute="channel", channels=(name,),
                observations=(), key=(name,),
                message=f"Channel {name} read {info.pages_ok} page(s) but found no price, fee "
                        f"or term of any offer in the catalogue: the offers may appear only "
                        f"after a cookie choice, a login or a script that had not finished "
                        f"(see the channel's wait and consent_selectors). Nothing of it was "
                        f"checked, and no offer is reported missing there.",
                values={name: "no offers found"})
            continue
        if info.pages_ok == 0 or not info.errors:
            reasons = "; ".join(f"{t}: {r}" for t, r in info.errors[:3]) or "nothing was read"
            yield Issue(
                subject=CAPTURE_SUBJECT, attribute="channel", channels=(name,),
                observations=(), key=(name,),
                message=f"Channel {name} could not be read at all ({reasons}); none of its "
                        f"offers were checked.",
                values={name: "not captured"})
            continue
        if not ctx.options["per_target"]:
            yield Issue(
                subject=CAPTURE_SUBJECT, attribute="page", channels=(name,), observations=(),
                key=(name,),
                message=f"{len(info.errors)} target(s) of {name} could not be read: "
                        + "; ".join(f"{t}: {r}" for t, r in info.errors[:5]),
                values={name: f"{len(info.errors)} unreadable"})
            continue
        for target, reason in sorted(set(info.errors)):
            kind = "transcript" if info.kind == "transcripts" else "page"
            yield Issue(
                subject=CAPTURE_SUBJECT, attribute=kind, channels=(name,), observations=(),
                key=(name, _stable_target(target)),
                message=f"The {kind} {target} of {name} could not be read ({reason}); what it "
                        f"says was not checked.",
                values={name: f"unreadable: {reason}"})


def _stable_target(target: str) -> str:
    """A target without scheme and host, so staging and production (or the demo's random
    port) give the same fingerprint for the same page."""
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    if parts.scheme and parts.netloc:
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return target
