"""Transcripts at scale: throughput and peak memory of ``capture_transcripts_channel``.

Generates, into a temporary folder, realistic chat exports — Finnish customer-service chats
with prices ("Kuitu 100M on 29,90 €/kk"), fees, contract terms, campaigns, customers'
names, phone numbers and e-mail addresses, multi-line messages — one folder per case:

* ``mixed``: 1,000 transcripts of mixed formats (WhatsApp text, plain log, omniaudit JSON,
  Zendesk Chat JSON, a quarter each), about 5 MB;
* ``whatsapp-20mb``: one 20 MB WhatsApp-style export (a business account's chat with one
  customer, years of it);
* ``whatsapp-20mb-canned``: the same kind of export where the company only sends canned
  answers (prices, fees, terms): every distinct text is read for facts once, so this is
  the speed of reading, masking and turning messages into observations;
* ``zendesk-20mb``: one 20 MB Zendesk Chat bulk export (``{"chats": [...]}``,
  pretty-printed), the JSON path.

Each case runs in its own subprocess, so that its peak RSS (``VmHWM``) is its own:
once for time and RSS, and once more under ``tracemalloc`` for the peak of Python
allocations (``--no-tracemalloc`` skips that run; tracemalloc slows Python 2-3×). The
capture is ``capture_transcripts_channel`` with a minimal :class:`AuditConfig` built in
code (brand "Valo", agents named, ``format: auto``). The baseline, measured in the same
invocation and the same way, only reads the same files and splits them into lines
(``read_bytes().decode("utf-8-sig").splitlines()``); the table gives each figure and its
ratio to the baseline. Targets (issue "transcripts at scale"): ≥ 5 MB/s of transcript text
and peak RSS < 250 MB for the 20 MB file.

    .venv/bin/python bench/transcripts_scale.py            # every case
    .venv/bin/python bench/transcripts_scale.py --only whatsapp-20mb --json
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
CASES = ("mixed", "whatsapp-20mb", "whatsapp-20mb-canned", "zendesk-20mb")
TARGET_RATE = 5.0  # MB/s of transcript text
TARGET_RSS = 250.0  # MB, the 20 MB file

# --- realistic chat text ------------------------------------------------------------------

OFFERS = ["Kuitu 100M", "Kuitu 300M", "Kuitu 600M", "Kuitu 1000M", "Mobiililaajakaista 100M",
          "Mobiililaajakaista 300M", "Puhe 10 Gt", "Puhe Rajaton", "Yrityskuitu 500M"]
FIRST = ["Matti", "Liisa", "Pekka", "Eeva", "Jukka", "Kaisa", "Mikko", "Sanna", "Timo",
         "Anna-Maija", "Ville", "Hanna", "Jari", "Laura", "Antti", "Minna", "Juha", "Satu"]
LAST = ["Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Hämäläinen", "Laine", "Heikkinen",
        "Koskinen", "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Aho"]
AGENTS = ["Anna", "Jenni", "Mirja", "Tuomas"]


def _price(rng: random.Random) -> str:
    return f"{rng.choice([19, 24, 29, 34, 39, 44, 49, 59, 69])},{rng.choice(['90', '95', '00'])}"


def _customer_text(rng: random.Random, offer: str, first: str, last: str) -> str:
    n = rng.random()
    if n < 0.25:
        return f"Hei, paljonko {offer} maksaa kuukaudessa?"
    if n < 0.4:
        return f"Eikö {offer} ollut {_price(rng)} €/kk? Näin sen mainoksessa."
    if n < 0.5:  # a customer has one phone number and one address
        own = random.Random(f"{first} {last}")
        return (f"Voitteko soittaa minulle numeroon 040 {own.randint(100, 999)} "
                f"{own.randint(1000, 9999)}? t. {first}")
    if n < 0.58:
        own = random.Random(f"{first} {last}")
        return f"Sähköpostini on {first.lower()}.{own.randint(1, 99)}@example.org"
    if n < 0.7:
        return "Onko avausmaksua? Entä kuinka pitkä sopimus on?"
    if n < 0.8:
        return f"Kiinnostaisi {offer}, mutta\nhaluan ensin tietää toimitusajan.\nKiitos!"
    if n < 0.9:
        return rng.choice(["Ok kiitos", "Selvä.", "Kiitos avusta!", "Jees 👍", "Hmm"])
    return f"Asun Tampereella, saako sinne {offer}:n? Osoite on Hämeenkatu {rng.randint(1, 80)}."


def _agent_text(rng: random.Random, offer: str, first: str, canned: bool = False) -> str:
    # A third of the answers give details of this customer's order: text no other message
    # repeats. ``canned``: only the team's canned answers, with their prices.
    if not canned and rng.random() < 0.3:
        return _agent_detail(rng, offer)
    n = rng.random()
    if n < 0.3:
        return f"Hei {first}! {offer} on {_price(rng)} €/kk."
    if n < 0.45:
        return f"Avausmaksu on {rng.choice(['0', '4,90', '9,90', '19,90'])} €."
    if n < 0.55:
        return f"Sopimus on {rng.choice([12, 24])} kk määräaikainen, sen jälkeen toistaiseksi."
    if n < 0.65:
        return (f"Nyt kampanjassa {offer} {rng.choice([3, 6])} kk 0 €/kk, sen jälkeen "
                f"{_price(rng)} €/kk.\nTarjous on voimassa 31.12. asti.")
    if n < 0.72:
        return "Toimitus kestää noin kaksi viikkoa tilauksesta."
    if n < 0.78:
        return "Modeemi sisältyy hintaan, eikä toimitusmaksua ole."
    if n < 0.84:
        return "Voit soittaa myös asiakaspalveluumme numeroon 010 123 4567 arkisin 8-18."
    if n < 0.9:
        return f"Kiitos yhteydenotosta {first} ja mukavaa päivänjatkoa!"
    return f"Tarkistan asian. {offer} on saatavilla osoitteeseesi, hinta {_price(rng)} €/kk."


def _agent_detail(rng: random.Random, offer: str) -> str:
    day, month, hour = rng.randint(1, 28), rng.randint(1, 12), rng.randint(8, 16)
    n = rng.random()
    if n < 0.3:
        return (f"Tilauksesi {rng.randint(1_000_000, 9_999_999)} on vahvistettu: {offer} "
                f"{_price(rng)} €/kk, avausmaksu {rng.choice(['0', '4,90', '9,90'])} €.")
    if n < 0.55:
        return (f"Asentaja tulee {day}.{month}. klo {hour}-{hour + 4}. Asennus on maksuton, "
                f"ja {offer} on käytössä samana päivänä.")
    if n < 0.8:
        return (f"Laskusi {rng.randint(100_000, 999_999)} summa on {rng.randint(20, 150)},"
                f"{rng.randint(10, 99)} € ja eräpäivä {day}.{month}.2027.")
    return (f"Tein tiketin {rng.randint(10_000, 99_999)}, selvitämme katkon ja palaamme "
            f"asiaan {day}.{month}. mennessä. Hyvitys on {rng.randint(1, 30)},00 €.")


def _conversation(rng: random.Random, turns: int, customer: tuple[str, str] | None = None,
                  canned: bool = False) -> list[tuple[str, str, str]]:
    """(role, name, text) of one conversation about one or two offers."""
    first, last = customer or (rng.choice(FIRST), rng.choice(LAST))
    agent = rng.choice(AGENTS)
    offer = rng.choice(OFFERS)
    out: list[tuple[str, str, str]] = [("customer", f"{first} {last}",
                                        f"Hei, paljonko {offer} maksaa?")]
    for i in range(turns):
        if i and rng.random() < 0.15:
            offer = rng.choice(OFFERS)
        if rng.random() < 0.5:
            out.append(("customer", f"{first} {last}", _customer_text(rng, offer, first, last)))
        out.append(("agent", agent, _agent_text(rng, offer, first, canned)))
    return out


# --- the formats --------------------------------------------------------------------------


def whatsapp(rng: random.Random, conversations: list[list[tuple[str, str, str]]]) -> str:
    lines = ["12/04/2026, 10:01 - Messages and calls are end-to-end encrypted. No one outside "
             "of this chat, not even WhatsApp, can read or listen to them."]
    day, minute = 1, 0
    for conv in conversations:
        day += 1
        for role, name, text in conv:
            minute = (minute + rng.randint(1, 4)) % (24 * 60)
            who = "Valo Asiakaspalvelu" if role == "agent" else name
            stamp = f"{day % 28 + 1:02d}/{(day // 28) % 12 + 1:02d}/2026, " \
                    f"{minute // 60:02d}:{minute % 60:02d}"
            lines.append(f"{stamp} - {who}: {text}")
            if rng.random() < 0.01:
                lines.append(f"{stamp} - {who}: <Media omitted>")
    return "\n".join(lines) + "\n"


def text_log(rng: random.Random, conv: list[tuple[str, str, str]]) -> str:
    lines, minute = [], 600
    for role, name, text in conv:
        minute += rng.randint(0, 2)
        who = f"Agent {name}" if role == "agent" else f"Asiakas {name}"
        lines.append(f"[{minute // 60:02d}:{minute % 60:02d}] {who}: {text}")
    lines.append(f"[{minute // 60:02d}:{minute % 60:02d}] System: Keskustelu päättyi.")
    return "\n".join(lines) + "\n"


def omniaudit(n: int, conv: list[tuple[str, str, str]]) -> str:
    msgs = [{"role": role, "name": name, "timestamp": f"2026-11-16T10:{i % 60:02d}:00+02:00",
             "text": text} for i, (role, name, text) in enumerate(conv)]
    lines = [json.dumps({"format": "omniaudit-transcript/1", "id": f"chat-{n}",
                         "source": "Valo web chat"})[:-1] + ', "messages": [']
    lines += [json.dumps(m, ensure_ascii=False) + ("," if i < len(msgs) - 1 else "")
              for i, m in enumerate(msgs)]
    return "\n".join(lines + ["]}"]) + "\n"


def zendesk_chat(n: int, conv: list[tuple[str, str, str]]) -> dict:
    visitor = next(name for role, name, _ in conv if role == "customer")
    return {"type": "chat", "id": f"2611.{n}", "visitor": {
        "name": visitor, "email": f"{visitor.split()[0].lower()}@example.org"},
        "history": [{"type": "chat.msg", "nick": "visitor" if role == "customer" else "agent:36",
                     "name": name, "msg": text, "timestamp": 1794500000 + 60 * i}
                    for i, (role, name, text) in enumerate(conv)]}


def generate(folder: Path, files: int = 1000, big_mb: float = 20.0) -> dict[str, Path]:
    """The cases' folders under ``folder``; deterministic (seeded)."""
    rng = random.Random(2026)
    mixed = folder / "mixed"
    mixed.mkdir(parents=True)
    for n in range(files):
        conv = _conversation(rng, rng.randint(8, 40))
        kind = n % 4
        if kind == 0:
            (mixed / f"WhatsApp Chat {n:04d}.txt").write_text(whatsapp(rng, [conv]), "utf-8")
        elif kind == 1:
            (mixed / f"log-{n:04d}.txt").write_text(text_log(rng, conv), "utf-8")
        elif kind == 2:
            (mixed / f"chat-{n:04d}.json").write_text(omniaudit(n, conv), "utf-8")
        else:
            (mixed / f"zendesk-{n:04d}.json").write_text(
                json.dumps(zendesk_chat(n, conv), ensure_ascii=False, indent=1), "utf-8")
    big = folder / "whatsapp-20mb"
    big.mkdir()
    # A WhatsApp export is one chat: the business account and one customer, here years of
    # conversations with them.
    with (big / "WhatsApp Chat with Pekka Nieminen.txt").open("w", encoding="utf-8") as f:
        size = 0
        while size < big_mb * MB:
            chunk = whatsapp(rng, [_conversation(rng, rng.randint(8, 40), ("Pekka", "Nieminen"))
                                   for _ in range(50)])
            f.write(chunk)
            size += len(chunk.encode("utf-8"))
    zd = folder / "zendesk-20mb"
    zd.mkdir()
    chats, size, n = [], 0, 0
    while size < big_mb * MB:
        chats.append(zendesk_chat(n, _conversation(rng, rng.randint(8, 40))))
        size += len(json.dumps(chats[-1], ensure_ascii=False, indent=1).encode("utf-8"))
        n += 1
    (zd / "zendesk-incremental.json").write_text(
        json.dumps({"chats": chats, "count": len(chats)}, ensure_ascii=False, indent=1),
        "utf-8")
    canned = folder / "whatsapp-20mb-canned"
    canned.mkdir()
    rng = random.Random(2027)
    with (canned / "WhatsApp Chat with Pekka Nieminen.txt").open("w", encoding="utf-8") as f:
        size = 0
        while size < big_mb * MB:
            chunk = whatsapp(rng, [_conversation(rng, rng.randint(8, 40), ("Pekka", "Nieminen"),
                                                 canned=True) for _ in range(50)])
            f.write(chunk)
            size += len(chunk.encode("utf-8"))
    return {"mixed": mixed, "whatsapp-20mb": big, "zendesk-20mb": zd,
            "whatsapp-20mb-canned": canned}


# --- one measurement (in a subprocess) ----------------------------------------------------


def _status_mb(key: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, in MB. Not ``ru_maxrss``: Linux
    carries that over from the parent through fork and exec, so a child would report the
    parent's peak (the generator's) when it is higher than its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux


def measure(folder: Path, mode: str, trace: bool) -> dict:
    """Run one case in this process: ``capture`` or the ``baseline`` read-and-split."""
    import tracemalloc

    from auditor.capture.transcripts import capture_transcripts_channel
    from auditor.config import AuditConfig, BrandConfig, TranscriptChannel

    files = sorted(p for p in folder.rglob("*") if p.is_file())
    size = sum(p.stat().st_size for p in files)
    config = AuditConfig(name="bench", brand=BrandConfig(name="Valo"), channels={
        "chat": TranscriptChannel(kind="transcripts", path=folder, pattern="*",
                                  agents=AGENTS, locale="fi-FI")})
    ch = config.channels["chat"]
    kwargs = {}
    lines: list[str] = []
    if "progress" in inspect.signature(capture_transcripts_channel).parameters:
        kwargs["progress"] = lines.append
    rss_before = _status_mb("VmRSS")
    if trace:
        tracemalloc.start()
    t0, cpu0 = time.perf_counter(), time.process_time()
    if mode == "baseline":
        count = 0
        for p in files:
            count += len(p.read_bytes().decode("utf-8-sig").splitlines())
        result = {"lines": count}
    else:
        r = capture_transcripts_channel("chat", ch, config, **kwargs)
        result = {"observations": len(r.observations), "files_ok": r.pages_ok,
                  "files_failed": r.pages_failed, "progress_lines": len(lines),
                  "last_progress": lines[-1] if lines else None}
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    peak_traced = tracemalloc.get_traced_memory()[1] / MB if trace else None
    if trace:
        tracemalloc.stop()
    rss = _status_mb("VmHWM")
    return {"mode": mode, "files": len(files), "mb": size / MB, "seconds": seconds,
            "mb_per_s": size / MB / seconds, "cpu_seconds": cpu, "mb_per_cpu_s": size / MB / cpu,
            "peak_rss_mb": rss, "rss_before_mb": rss_before,
            "peak_traced_mb": peak_traced, **result}


def _child(folder: Path, mode: str, trace: bool) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(folder), mode,
                          "trace" if trace else "plain"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_case(folder: Path, trace: bool) -> dict:
    # The machine's load when the case ran: on a shared machine, wall-clock rates fall with
    # it, and MB per CPU second much less.
    row: dict = {"load": os.getloadavg()[0]}
    for mode in ("baseline", "capture"):
        plain = _child(folder, mode, False)
        if trace:
            plain["peak_traced_mb"] = _child(folder, mode, True)["peak_traced_mb"]
        row[mode] = plain
    b, c = row["baseline"], row["capture"]
    row["rate_ratio"] = c["mb_per_s"] / b["mb_per_s"]
    row["rss_ratio"] = c["peak_rss_mb"] / b["peak_rss_mb"]
    if trace:
        row["traced_ratio"] = c["peak_traced_mb"] / max(b["peak_traced_mb"], 1e-9)
    return row


def table(rows: dict[str, dict]) -> str:
    head = ("| case | files | MB | mode | seconds | MB/s | MB per CPU s | "
            "peak RSS MB (over start) | traced peak MB | observations | rate vs baseline | "
            "RSS vs baseline |")
    out = [head, "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, row in rows.items():
        for mode in ("baseline", "capture"):
            m = row[mode]
            traced = f"{m['peak_traced_mb']:.1f}" if m.get("peak_traced_mb") is not None else ""
            ratio = f"{row['rate_ratio']:.3f}" if mode == "capture" else ""
            rss = f"{row['rss_ratio']:.2f}" if mode == "capture" else ""
            out.append(
                f"| {name} | {m['files']:,} | {m['mb']:.1f} | {mode} | {m['seconds']:.2f} | "
                f"{m['mb_per_s']:.1f} | {m.get('mb_per_cpu_s', 0):.1f} | "
                f"{m['peak_rss_mb']:.0f} "
                f"({m['peak_rss_mb'] - m['rss_before_mb']:.0f}) | {traced} | "
                f"{m.get('observations', '')} | {ratio} | {rss} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        print(json.dumps(measure(Path(argv[1]), argv[2], argv[3] == "trace")))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(CASES), help="cases, comma-separated")
    ap.add_argument("--files", type=int, default=1000, help="transcripts in 'mixed'")
    ap.add_argument("--big-mb", type=float, default=20.0, help="size of the big files")
    ap.add_argument("--no-tracemalloc", action="store_true", help="skip the traced runs")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    ap.add_argument("--keep", type=Path, help="generate into this (new) folder and keep it")
    ap.add_argument("--data", type=Path, help="use the cases already generated in this folder "
                                              "(by --keep) instead of generating them")
    ap.add_argument("--table", type=Path, help="print the table of a saved --json output")
    args = ap.parse_args(argv)
    if args.table:
        print(table(json.loads(args.table.read_text(encoding="utf-8"))))
        return 0
    only = [c for c in args.only.split(",") if c]
    unknown = set(only) - set(CASES)
    if unknown:
        ap.error(f"unknown case(s) {', '.join(sorted(unknown))}; expected {', '.join(CASES)}")
    with tempfile.TemporaryDirectory(prefix="omniaudit-transcripts-") as tmp:
        if args.data:
            folders = {name: args.data / name for name in CASES}
        else:
            folders = generate(args.keep or Path(tmp), args.files, args.big_mb)
        rows = {name: run_case(folders[name], not args.no_tracemalloc) for name in only}
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(table(rows))
    print()
    for name, row in rows.items():
        c = row["capture"]
        line = (f"{name}: {c['mb_per_s']:.2f} MB/s (target ≥ {TARGET_RATE:g}: "
                f"{'met' if c['mb_per_s'] >= TARGET_RATE else 'NOT met'}; "
                f"{c['mb_per_cpu_s']:.2f} MB per CPU second; load average {row['load']:.1f})")
        if name.endswith("20mb"):
            line += (f", peak RSS {c['peak_rss_mb']:.0f} MB (target < {TARGET_RSS:g}: "
                     f"{'met' if c['peak_rss_mb'] < TARGET_RSS else 'NOT met'})")
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
