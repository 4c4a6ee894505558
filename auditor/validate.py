"""Everything about a config that can be checked offline, before any crawling.

Loading a config (:mod:`auditor.config`) checks its shape: keys, types, values. This module
checks what the shape cannot say and a run would otherwise find out only after a full
crawl — that the transcript folder exists, that ``device: "iPhone 99"`` is a device
Playwright knows, that ``base_url`` is an http(s) URL, that every ``${NAME}`` is set, that
each check id, check option and attribute name exists — without a browser, a network or
the Playwright driver::

    from auditor.validate import validate_file
    for problem in validate_file("audit.yaml"):
        print(problem)   # audit.yaml:14: channels.mobile.device: unknown device 'iPhone 99'; ...

Every :class:`Problem` names the file, the line of the offending key and the dotted key,
and near misses get a "did you mean …?". ``error`` problems make the config unusable;
``warning`` ones (a transcript folder with no matching file yet, a waiver naming no known
check, an unknown locale that reports would replace by their default) do not.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fnmatch import fnmatchcase
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from auditor.config import (
    AuditConfig,
    ConfigError,
    TranscriptChannel,
    WebChannel,
    config_lines,
    did_you_mean,
    load_config,
)
from auditor.model import ATTRIBUTES
from auditor.rules import CHANNEL_KINDS, COMPARISONS, RULE_ATTRIBUTES

Level = Literal["error", "warning"]

_ENV_RE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config, where it is and how bad it is."""

    message: str
    #: The file the problem is in: the config, or a file it names (a waiver file).
    file: str | None = None
    #: The 1-based line of the offending key, when known.
    line: int | None = None
    #: The dotted key (``channels.mobile.device``, ``checks.fine_print.min_font_px``).
    key: str | None = None
    #: ``error``: the config cannot be used as it is; ``warning``: worth a look.
    level: Level = "error"

    def __str__(self) -> str:
        where = self.file or "<config>"
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: " + (f"{self.key}: " if self.key else "") + self.message

    @classmethod
    def from_error(cls, error: ConfigError) -> Problem:
        """The problem a :class:`ConfigError` describes."""
        return cls(error.reason, error.file, error.line, error.key, "error")


def validate_file(path: str | Path) -> list[Problem]:
    """Load the config at ``path`` and validate it: every problem, errors first.

    A config that does not load at all (a YAML syntax error, an unknown key, a wrong type)
    gives that one error. Unset ``${NAME}`` variables do not stop loading here: each is a
    problem with its line, beside the others.
    """
    try:
        config = load_config(path, allow_unset_env=True)
    except ConfigError as e:
        return [Problem.from_error(e)]
    return validate_config(config)


def validate_config(config: AuditConfig) -> list[Problem]:
    """Every problem of ``config`` that can be found offline, errors first, then by line.

    Covers: unset ``${NAME}`` variables; ``base_url``/``start_urls``/``include``/``exclude``
    (http/https with a host, or relative with a ``base_url``); web channels' ``device``
    (Playwright's device list), ``timezone``, ``locale`` and selector syntax; the files the
    config names (transcript ``path`` and ``pattern``, ``brand.logo`` as an image,
    ``storage_state``, the ``waivers`` file and its matchers); check ids (registered,
    plugins included, and ``rule:<name>``), check options and their types, and the
    attribute, subject and channel names in checks, rules and selectors.

    A plugin check that cannot register raises :class:`checks.RegistrationError`, as
    everywhere else (a set-up problem, not the config's).
    """
    v = _Validator(config)
    v.run()
    order = {"error": 0, "warning": 1}
    source = config.source
    return sorted(dict.fromkeys(v.problems),
                  key=lambda p: (order[p.level], p.file != source, p.file or "",
                                 p.line if p.line is not None else 1 << 30))


# --- Playwright's device list, read without starting its driver ---------------------------

_DESCRIPTOR_MARKER = "deviceDescriptorsSource_default = {"


@cache
def device_names() -> frozenset[str]:
    """The device names the installed Playwright knows (``"iPhone 13"``, ``"Pixel 7"`` …).

    Read from the descriptor list bundled in the package (``deviceDescriptorsSource.json``
    in older releases, inlined in the driver's JavaScript bundle in newer ones), so no
    driver process is started. Empty when it cannot be found.
    """
    spec = find_spec("playwright")
    if spec is None or not spec.origin:
        return frozenset()
    package = Path(spec.origin).parent / "driver" / "package"
    for found in sorted(package.rglob("deviceDescriptorsSource.json")):
        try:
            data = json.loads(found.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data:
            return frozenset(data)
    lib = package / "lib"
    for script in sorted(lib.rglob("*.js")) if lib.is_dir() else ():
        try:
            text = script.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        at = text.find(_DESCRIPTOR_MARKER)
        if at >= 0:
            names = _top_level_keys(text, at + len(_DESCRIPTOR_MARKER) - 1)
            if names:
                return frozenset(names)
    return frozenset()


def _top_level_keys(text: str, start: int) -> list[str]:
    """The quoted keys directly inside the JavaScript object literal opening at ``start``."""
    keys: list[str] = []
    depth = 0
    i = start
    n = len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            if depth == 1:
                k = j + 1
                while k < n and text[k] in " \t\r\n":
                    k += 1
                if k < n and text[k] == ":":
                    keys.append(json.loads('"' + text[i + 1:j].replace('\\\'', "'") + '"')
                                if c == '"' else text[i + 1:j])
            i = j + 1
            continue
        if c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                break
        i += 1
    return keys


def _device_hint(name: str, names: frozenset[str]) -> str:
    """``"did you mean …? "`` for a device name, ignoring case; landscape variants only
    when the name asks for one."""
    portrait = [d for d in names if "landscape" not in d.lower()]
    pool = names if "landscape" in name.lower() else portrait
    return did_you_mean(name, list(pool), n=3, cutoff=0.5)


# --- the checks ------------------------------------------------------------------------------

class _Validator:
    def __init__(self, config: AuditConfig) -> None:
        self.config = config
        self.lines = config.key_lines()
        self.source = config.source
        self.problems: list[Problem] = []
        self.unset_keys = {v.key for v in config.unset_variables()}

    # helpers

    def line(self, *path: str | int) -> int | None:
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return None

    def add(self, message: str, path: Sequence[str | int] | None = None, *, key: str | None = None,
            level: Level = "error", line: int | None = None, file: str | None = None) -> None:
        if path is not None:
            line = self.line(*path) if line is None else line
            key = key or _dotted(path)
        self.problems.append(Problem(message, file or self.source, line, key, level))

    def placeholder(self, value: Any) -> bool:
        """A value still holding an unset ``${NAME}`` (reported as the variable)."""
        return isinstance(value, str) and bool(self.unset_keys) and bool(_ENV_RE.search(value))

    def run(self) -> None:
        self.env()
        self.urls()
        self.web_channels()
        self.transcripts()
        self.brand()
        self.checks()
        self.rules()
        self.waivers()
        if not any(p.level == "error" for p in self.problems):
            self.engine()

    # ${NAME}

    def env(self) -> None:
        for var in self.config.unset_variables():
            self.add(f"environment variable {var.name} is not set", key=var.key, line=var.line)

    # URLs

    def urls(self) -> None:
        cfg = self.config
        if cfg.base_url is not None and not self.placeholder(cfg.base_url):
            problem = _url_problem(cfg.base_url)
            if problem:
                self.add(f"{problem} (base_url must be an absolute URL)", ("base_url",))
        for name, ch in cfg.channels.items():
            if not isinstance(ch, WebChannel):
                continue
            for field in ("start_urls", "include", "exclude"):
                for i, url in enumerate(getattr(ch, field)):
                    path = ("channels", name, field, i)
                    if not isinstance(url, str):
                        self.add(f"expected a URL or path as a string, got {url!r}", path)
                        continue
                    if self.placeholder(url):
                        continue
                    if "://" in url or urlsplit(url).scheme in ("http", "https"):
                        problem = _url_problem(url)
                        if problem:
                            self.add(problem, path)
                    elif _looks_like_host(url):
                        self.add(f"{url!r} has no scheme: write 'https://{url}' for another "
                                 "site, or '/…' for a path on base_url", path)
                    elif not cfg.base_url:
                        self.add(f"relative URL {url!r} needs a top-level 'base_url'", path)
                    # else: relative to base_url (reported there if base_url is wrong)

    # web channels

    def web_channels(self) -> None:
        names = device_names()
        missing_list_reported = False
        for name, ch in self.config.channels.items():
            if not isinstance(ch, WebChannel):
                continue
            if ch.device != "desktop" and not self.placeholder(ch.device):
                if not names:
                    if not missing_list_reported:
                        self.add("cannot check device names: Playwright's device list was "
                                 "not found in the installed playwright package",
                                 ("channels", name, "device"), level="warning")
                        missing_list_reported = True
                elif ch.device not in names:
                    self.add(f"unknown device {ch.device!r}; "
                             f"{_device_hint(ch.device, names)}use 'desktop' or a Playwright "
                             "device name such as 'iPhone 13' or 'Pixel 7'",
                             ("channels", name, "device"))
            self.timezone(ch.timezone, ("channels", name, "timezone"))
            self.locale(ch.locale, ("channels", name, "locale"))
            for attribute, rule in ch.selectors.items():
                path = ("channels", name, "selectors", attribute)
                if attribute not in ATTRIBUTES:
                    hint = did_you_mean(attribute, ATTRIBUTES)
                    self.add(f"unknown attribute {attribute!r}; {hint}attributes are: "
                             f"{', '.join(ATTRIBUTES)}", path)
                self.selector(rule, path, ch.mode)
            if ch.wait.startswith("selector:"):
                self.selector("css:" + ch.wait.partition(":")[2], ("channels", name, "wait"),
                              ch.mode, what="wait selector")
            if ch.storage_state is not None and not self.placeholder(str(ch.storage_state)):
                self.storage_state(ch.storage_state, ("channels", name, "storage_state"))
        if self.config.report.locale:
            self.locale(self.config.report.locale, ("report", "locale"))

    def selector(self, rule: str, path: tuple, mode: str, what: str = "selector") -> None:
        if self.placeholder(rule):
            return
        kind, _, body = rule.partition(":")
        if kind.lower() == "xpath":
            error = _xpath_error(body)
            if error:
                self.add(f"{what} is not valid XPath: {error}", path)
            return
        body = body if kind.lower() == "css" else rule
        error = _css_error(body)
        if error:
            if mode == "static":
                self.add(f"{what} is not valid CSS: {error}", path)
            else:
                self.add(f"{what} {body!r} is not CSS the static reader understands ({error}); "
                         "the browser may still accept it", path, level="warning")

    def timezone(self, name: str, path: tuple) -> None:
        zones = _timezones()
        if zones and name not in zones and not self.placeholder(name):
            self.add(f"unknown timezone {name!r}; {did_you_mean(name, zones)}"
                     "expected an IANA name such as 'Europe/Helsinki'", path)

    def locale(self, name: str | None, path: tuple) -> None:
        if not name or self.placeholder(name):
            return
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(name.strip().replace("-", "_"))
        except (UnknownLocaleError, ValueError, TypeError):
            self.add(f"unknown locale {name!r}: values and currencies fall back to defaults; "
                     "expected a name such as 'fi-FI' or 'sv-SE'", path, level="warning")

    def storage_state(self, relative: Path, path: tuple) -> None:
        file = self.config.resolve(relative)
        if not file.is_file():
            self.add(f"storage-state file not found: {file}", path)
            return
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            self.add(f"cannot read the storage-state file {file}: {e}", path)
            return
        if not isinstance(data, dict) or not {"cookies", "origins"} & set(data):
            self.add(f"{file} is not a Playwright storage state (expected 'cookies' and "
                     "'origins')", path)

    # files

    def transcripts(self) -> None:
        for name, ch in self.config.channels.items():
            if not isinstance(ch, TranscriptChannel):
                continue
            if self.placeholder(str(ch.path)):
                continue
            root = self.config.resolve(ch.path)
            path = ("channels", name, "path")
            if not root.exists():
                self.add(f"transcript path not found: {root}", path)
            elif root.is_dir() and not _any_file(root, ch.pattern):
                self.add(f"no files matching {ch.pattern!r} in {root}",
                         ("channels", name, "pattern") if ("channels", name, "pattern")
                         in self.lines else path, level="warning")
            if ch.locale:
                self.locale(ch.locale, ("channels", name, "locale"))

    def brand(self) -> None:
        brand = self.config.brand
        if brand is None or brand.logo is None or self.placeholder(str(brand.logo)):
            return
        file = self.config.resolve(brand.logo)
        if not file.is_file():
            self.add(f"reference logo not found: {file}", ("brand", "logo"))
            return
        from PIL import Image

        try:
            with Image.open(file) as img:
                img.load()
        except (OSError, ValueError) as e:
            self.add(f"cannot read the reference logo {file} as an image: {e}", ("brand", "logo"))

    # checks

    def known_checks(self) -> dict[str, Any]:
        from checks import REGISTRY

        known: dict[str, Any] = {spec.id: spec for spec in REGISTRY}  # plugins included
        known.update({rule.check_id: None for rule in self.config.rules})
        return known

    def checks(self) -> None:
        known = self.known_checks()
        subject_ids = [s.id for s in self.config.subjects]
        for check_id, setting in self.config.checks.items():
            base = ("checks", check_id)
            if check_id not in known:
                pool = [k for k in known if k.startswith("rule:") == check_id.startswith("rule:")]
                hint = did_you_mean(check_id, pool or list(known))
                listing = ("rules are: " + ", ".join(k for k in known if k.startswith("rule:"))
                           if check_id.startswith("rule:")
                           else "`omniaudit checks` lists them")
                self.add(f"unknown check {check_id!r}; {hint}{listing}", base)
                continue
            spec = known[check_id]
            allowed = dict(spec.options) if spec is not None else {}
            for option, value in setting.options.items():
                path = self.option_path(check_id, option)
                key = f"checks.{check_id}.{option}"
                if option not in allowed:
                    names = ", ".join(sorted(allowed)) or "none"
                    self.add(f"unknown option {option!r}; {did_you_mean(option, list(allowed))}"
                             f"options of {check_id}: {names}", path, key=key)
                    continue
                for problem, sub in _option_problems(value, allowed[option].default, option):
                    self.add(problem, path + sub if sub and path + sub in self.lines else path,
                             key=key)
            for j, glob in enumerate(setting.subjects or []):
                if subject_ids and not any(fnmatchcase(s, glob) for s in subject_ids):
                    path = next((p for p in (base + ("subjects", j), base + (1, "subjects", j),
                                             base + ("options", "subjects", j))
                                 if p in self.lines), base)
                    self.add(f"{glob!r} matches no subject; "
                             f"{did_you_mean(glob, subject_ids)}subjects are: "
                             f"{', '.join(subject_ids)}", path, key=f"checks.{check_id}.subjects",
                             level="warning")

    def option_path(self, check_id: str, option: str) -> tuple:
        base = ("checks", check_id)
        for p in (base + (option,), base + ("options", option), base + (1, option),
                  base + (1, "options", option)):
            if p in self.lines:
                return p
        return base

    # rules

    def rules(self) -> None:
        subject_ids = [s.id for s in self.config.subjects]
        for i, rule in enumerate(self.config.rules):
            base = ("rules", i)
            refs = [("attribute", rule.attribute), ("present_where", rule.present_where)]
            refs += [(op, getattr(rule, op)) for op in COMPARISONS
                     if isinstance(getattr(rule, op), str)]
            for field, name in refs:
                if name is not None and name not in RULE_ATTRIBUTES:
                    self.add(f"unknown attribute {name!r}; {did_you_mean(name, RULE_ATTRIBUTES)}"
                             f"attributes are: {', '.join(RULE_ATTRIBUTES)}", base + (field,))
            for j, glob in enumerate(rule.subjects):
                if subject_ids and not any(fnmatchcase(s, glob) for s in subject_ids):
                    path = base + ("subjects", j) if base + ("subjects", j) in self.lines \
                        else base + ("subjects",)
                    self.add(f"{glob!r} matches no subject; {did_you_mean(glob, subject_ids)}"
                             f"subjects are: {', '.join(subject_ids)}", path,
                             key=f"rules[{i}].subjects", level="warning")
            for j, ch in enumerate(rule.channels or []):
                if ch not in self.config.channels and ch not in CHANNEL_KINDS:
                    self.add(f"unknown channel {ch!r}; "
                             f"{did_you_mean(ch, [*self.config.channels, *CHANNEL_KINDS])}"
                             f"channels are: {', '.join(self.config.channels)}",
                             base + ("channels", j), key=f"rules[{i}].channels")

    # waivers

    def waivers(self) -> None:
        cfg = self.config
        if cfg.waivers is None or self.placeholder(str(cfg.waivers)):
            return
        from auditor.waivers import load_waivers

        file = cfg.resolve(cfg.waivers)
        if not file.is_file():
            self.add(f"waiver file not found: {file}", ("waivers",))
            return
        try:
            waivers = load_waivers(file)
        except ConfigError as e:
            self.problems.append(Problem.from_error(e))
            return
        try:
            lines = config_lines(file.read_text(encoding="utf-8"))
        except Exception:  # noqa: BLE001 - it parsed a moment ago; lines are a nicety
            lines = {}
        known = self.known_checks()
        for i, w in enumerate(waivers):
            m = w.match
            if m is None:
                continue
            for field, value, pool in (("check", m.check, list(known)),
                                       ("attribute", m.attribute, list(ATTRIBUTES)),
                                       ("channel", m.channel, list(cfg.channels))):
                if value is None or _GLOB_CHARS & set(value) or value in pool:
                    continue
                path = ("waivers", i, "match", field)
                hint = did_you_mean(value, pool).strip()
                self.add(f"no {field} is called {value!r}, so the waiver waives nothing"
                         + (f"; {hint}" if hint else ""),
                         file=str(file), line=_line_in(path, lines), key=_dotted(path),
                         level="warning")

    # the engine's own checks, as a safety net (they carry no line)

    def engine(self) -> None:
        from checks import configured_checks

        try:
            configured_checks(self.config)
        except ConfigError as e:
            self.problems.append(Problem(e.reason, e.file or self.source,
                                         e.line if e.line is not None
                                         else self.line(*(e.key or "").split(".")[:2]),
                                         e.key, "error"))


# --- helpers ---------------------------------------------------------------------------------

def _dotted(path: Sequence[str | int]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _line_in(path: tuple, lines: Mapping[tuple, int]) -> int | None:
    parts = path
    while parts:
        if parts in lines:
            return lines[parts]
        parts = parts[:-1]
    return None


def _url_problem(url: str) -> str | None:
    """Why ``url`` is not an absolute http(s) URL with a host, or None."""
    parts = urlsplit(url)
    if "://" not in url:
        if _looks_like_host(url):
            return f"{url!r} has no scheme; did you mean 'https://{url}'?"
        return f"{url!r} is not an absolute URL; expected 'https://host/…'"
    if parts.scheme.lower() not in ("http", "https"):
        return f"{url!r} has the scheme {parts.scheme!r}; expected http or https"
    if not parts.hostname:
        return f"{url!r} has no host"
    return None


_FILE_SUFFIXES = frozenset({"html", "htm", "xhtml", "php", "asp", "aspx", "jsp", "cgi", "json",
                            "xml", "txt", "pdf", "shtml"})


def _looks_like_host(url: str) -> bool:
    """``www.x.com``, ``shop.example.fi/path``, ``localhost:8000``: a host without a scheme
    (``index.html`` and ``tuotteet/kuitu`` are paths)."""
    head = url.split("/", 1)[0].split("?", 1)[0]
    if not head or url.startswith((".", "/", "?", "#")):
        return False
    if re.match(r"^[A-Za-z0-9.-]+:\d+$", head) or head.lower().startswith("www."):
        return True
    m = re.match(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,63})$", head)
    return bool(m) and m.group(1).lower() not in _FILE_SUFFIXES


def _any_file(root: Path, pattern: str) -> bool:
    # The same search as auditor.capture.transcripts.transcript_files, stopping at the first.
    return any(p.is_file() for p in root.rglob(pattern))


@cache
def _timezones() -> frozenset[str]:
    try:
        import zoneinfo

        return frozenset(zoneinfo.available_timezones())
    except Exception:  # noqa: BLE001 - no tz database: nothing to check against
        return frozenset()


def _xpath_error(expression: str) -> str | None:
    from lxml import etree

    try:
        etree.XPath(expression)
    except etree.XPathError as e:
        return str(e) or "syntax error"
    return None


def _css_error(selector: str) -> str | None:
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        CSSSelector(selector, translator="html")
    except (SelectorError, ValueError) as e:
        return str(e) or "syntax error"
    return None


def _number(value: Any, *, whole: bool = False) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return value.is_integer() if whole else True
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            return False
        return d.is_finite() and (d == d.to_integral_value() if whole else True)
    return False


def _option_problems(value: Any, default: Any, option: str) -> Iterator[tuple[str, tuple]]:
    """What is wrong with ``value`` for an option whose default is ``default``: messages,
    each with the sub-path (a list item's index) it is about."""
    if default is None:
        return
    if isinstance(default, bool):
        if not isinstance(value, bool):
            yield f"expected true or false, got {value!r}", ()
    elif isinstance(default, int):
        if not _number(value, whole=True):
            yield f"expected a whole number, got {value!r}", ()
    elif isinstance(default, float | Decimal):
        if not _number(value):
            yield f"expected a number, got {value!r}", ()
    elif default == "auto":  # worked out by the check, or a number ("vat_rate")
        if value != "auto" and not _number(value):
            yield f"expected auto or a number, got {value!r}", ()
    elif isinstance(default, str):
        if _number(default):
            if not _number(value):
                yield f"expected a number (like {default!r}), got {value!r}", ()
        elif not isinstance(value, str):
            yield f"expected text, got {value!r}", ()
    elif isinstance(default, list | tuple):
        if not isinstance(value, list | tuple):
            yield f"expected a list (like {list(default)!r}), got {value!r}", ()
            return
        yield from _list_items(value, default, option)
    elif isinstance(default, dict) and not isinstance(value, dict):
        yield f"expected a mapping, got {value!r}", ()


def _list_items(value: Iterable[Any], default: Sequence[Any],
                option: str) -> Iterator[tuple[str, tuple]]:
    vocab: tuple[str, ...] = ()
    what = ""
    if default and all(d in CHANNEL_KINDS for d in default):
        vocab, what = CHANNEL_KINDS, "channel kind"
    elif default and all(d in ATTRIBUTES for d in default):
        vocab, what = ATTRIBUTES, "attribute"
    strings = all(isinstance(d, str) for d in default)
    for j, item in enumerate(value):
        if strings and not isinstance(item, str):
            yield f"expected a list of names, got {item!r} in {option}", (j,)
        elif vocab and item not in vocab:
            yield (f"unknown {what} {item!r}; {did_you_mean(item, vocab)}"
                   f"{what}s are: {', '.join(vocab)}"), (j,)
