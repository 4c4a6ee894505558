import json
from pathlib import Path

import pytest

from auditor.config import AuditConfig, ConfigError, load_config, parse_config
from auditor.demo import CONFIG_PATH

GOOD = """\
name: shop
base_url: http://127.0.0.1:9
channels:
  desktop:
    kind: web
    start_urls: ["/"]
  chat:
    kind: transcripts
    path: chats
checks:
  price_mismatch: warn
  fine_print: [error, {severity: high, min_font_px: 12}]
  hidden_fee: {level: error, channels: [desktop]}
"""


def test_the_demo_config_is_valid_and_documented():
    cfg = load_config(CONFIG_PATH)
    assert cfg.name and cfg.brand and cfg.brand.name == "Nordtel"
    assert {c.kind for c in cfg.channels.values()} == {"web", "transcripts"}
    assert len(cfg.subjects) >= 8
    assert "#" in Path(CONFIG_PATH).read_text(encoding="utf-8")  # commented, as the example


def test_check_levels_in_every_accepted_form():
    cfg = parse_config(GOOD)
    assert cfg.checks["price_mismatch"].level == "warn"
    fp = cfg.checks["fine_print"]
    assert (fp.level, fp.severity.label, fp.options) == ("error", "high", {"min_font_px": 12})
    assert cfg.checks["hidden_fee"].channels == ["desktop"]
    assert cfg.absolute_url("/m/") == "http://127.0.0.1:9/m/"


@pytest.mark.parametrize("text, line, key, words", [
    (GOOD.replace("start_urls: [\"/\"]", "start_urls: [\"/\"]\n    max_pages: ten"), 7,
     "channels.desktop.max_pages", "valid integer"),
    (GOOD.replace("kind: web", "kind: website"), 5, "channels.desktop.kind", "got 'website'"),
    (GOOD.replace("    path: chats", "    path: chats\n    pattren: '*.json'"), 10,
     "channels.chat.pattren", "unknown key"),
    (GOOD.replace("name: shop\n", ""), None, "name", "required"),
    (GOOD + "fail_on: urgent\n", 14, "fail_on", "unknown severity"),
    (GOOD.replace("  price_mismatch: warn", "  price_mismatch: loud"), 11,
     "checks.price_mismatch.level", "'off', 'warn' or 'error'"),
    (GOOD.replace("channels: [desktop]", "channels: [phone]"), 13, "checks.hidden_fee",
     "unknown channel 'phone'"),
    ("name: [unclosed\n", 2, None, "not valid YAML"),
])
def test_config_errors_name_line_and_key(text, line, key, words):
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="audit.yaml")
    e = info.value
    assert e.file == "audit.yaml"
    if line is not None:
        assert e.line == line, str(e)
    if key is not None:
        assert e.key == key, str(e)
    assert words in str(e)
    assert str(e).startswith("audit.yaml")


def test_missing_file_and_env_vars(tmp_path, monkeypatch):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")
    p = tmp_path / "a.yaml"
    p.write_text(GOOD.replace("http://127.0.0.1:9", "${SHOP_URL}"), encoding="utf-8")
    monkeypatch.delenv("SHOP_URL", raising=False)
    with pytest.raises(ConfigError, match=r"a.yaml:2: base_url: environment variable SHOP_URL"):
        load_config(p)
    monkeypatch.setenv("SHOP_URL", "http://127.0.0.1:7")
    assert load_config(p).base_url == "http://127.0.0.1:7"
    assert load_config(p).resolve("chats") == tmp_path / "chats"


@pytest.mark.parametrize("text, line, key, message", [
    (GOOD.replace("checks:", "chekcs:"), 10, "chekcs",
     "unknown key; did you mean 'checks'? (see the config reference in the README)"),
    # a misspelt required key is named as the misspelling, not as the missing key
    (GOOD.replace("channels:", "chanels:"), 3, "chanels",
     "unknown key; did you mean 'channels'? (see the config reference in the README)"),
    (GOOD.replace("    start_urls:", "    start_url:"), 6, "channels.desktop.start_url",
     "unknown key; did you mean 'start_urls'? (see the config reference in the README)"),
    # only keys of the channel's own kind are suggested
    (GOOD.replace("    path: chats", "    path: chats\n    pattren: '*.json'"), 10,
     "channels.chat.pattren",
     "unknown key; did you mean 'pattern'? (see the config reference in the README)"),
    (GOOD + "brand: {name: Shop, logoo: logo.png}\n", 14, "brand.logoo",
     "unknown key; did you mean 'logo'? (see the config reference in the README)"),
    (GOOD + "frobnicate: true\n", 14, "frobnicate",
     "unknown key (check the spelling; see the config reference in the README)"),
])
def test_unknown_keys_suggest_the_near_miss(text, line, key, message):
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="audit.yaml")
    e = info.value
    assert (e.file, e.line, e.key, e.reason) == ("audit.yaml", line, key, message)


def test_unset_variables_can_be_kept_for_validate(monkeypatch):
    monkeypatch.delenv("SHOP_URL", raising=False)
    monkeypatch.delenv("PAGES", raising=False)
    text = GOOD.replace("http://127.0.0.1:9", "${SHOP_URL}")
    cfg = parse_config(text, source="audit.yaml", allow_unset_env=True)
    assert cfg.base_url == "${SHOP_URL}"
    assert [tuple(v) for v in cfg.unset_variables()] == [("SHOP_URL", 2, "base_url")]
    assert cfg.line_of("channels", "chat", "path") == 9
    assert cfg.line_of("checks", "fine_print", 1, "min_font_px") == 12
    # a value that fails validation because of its placeholder is named as the variable
    text += "fail_on: ${LEVEL}\n"
    monkeypatch.delenv("LEVEL", raising=False)
    with pytest.raises(ConfigError, match=r"^audit.yaml:14: fail_on: environment variable "
                                          r"LEVEL is not set$"):
        parse_config(text, source="audit.yaml", allow_unset_env=True)
    with pytest.raises(ConfigError, match="audit.yaml:2: base_url: environment variable "
                                          "SHOP_URL is not set"):
        parse_config(text, source="audit.yaml")  # the default: unset is an error


def test_resolved_document_recreates_the_config_anywhere(tmp_path, monkeypatch):
    home = tmp_path / "project"
    (home / "chats").mkdir(parents=True)
    (home / "brand").mkdir()
    (home / "brand" / "logo.png").write_bytes(b"png")
    (home / "waivers.yaml").write_text("waivers: []\n", encoding="utf-8")
    text = (GOOD.replace("http://127.0.0.1:9", "${SHOP_URL}")
            + "brand: {name: Shop, logo: brand/logo.png}\nwaivers: ./waivers.yaml\n"
            + "rules:\n  - {name: promo, description: d, attribute: promo_price,"
              " less_than: monthly_price, severity: high}\n")
    (home / "audit.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("SHOP_URL", "https://staging.example.fi")
    monkeypatch.chdir(home)
    cfg = load_config("audit.yaml")  # a relative path, as on the command line
    doc = cfg.resolved_document()
    assert json.loads(json.dumps(doc)) == doc  # plain data, storable as JSON
    assert doc["base_url"] == "https://staging.example.fi"
    assert doc["channels"]["chat"]["path"] == str(home / "chats")
    assert doc["brand"]["logo"] == str(home / "brand" / "logo.png")
    assert doc["waivers"] == str(home / "waivers.yaml")
    assert doc["source"] == str(home / "audit.yaml")
    assert doc["checks"]["fine_print"]["severity"] == "high"

    monkeypatch.delenv("SHOP_URL")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    back = AuditConfig.from_resolved(json.loads(json.dumps(doc)))
    assert back.resolved_document() == doc
    # the same settings; only paths are now written absolute
    same = ("name", "base_url", "checks", "rules", "subjects", "matching", "fail_on", "preset")
    assert {k: getattr(back, k) for k in same} == {k: getattr(cfg, k) for k in same}
    assert back.channels["desktop"] == cfg.channels["desktop"]
    for resolved, original in [
        (back.resolve(back.channels["chat"].path), cfg.resolve(cfg.channels["chat"].path)),
        (back.resolve(back.brand.logo), cfg.resolve(cfg.brand.logo)),
        (back.resolve(back.waivers), cfg.resolve(cfg.waivers)),
    ]:
        assert resolved.is_absolute() and resolved.exists()
        assert resolved.samefile(home / original) if not original.is_absolute() \
            else resolved.samefile(original)
    assert back.absolute_url("/m/") == "https://staging.example.fi/m/"
    assert back.line_of("brand", "logo") == 14  # lines come from the source file


def test_from_resolved_expands_nothing(monkeypatch):
    monkeypatch.delenv("NOT_SET", raising=False)
    doc = parse_config(GOOD).resolved_document()
    doc["subjects"] = [{"id": "x", "name": "Price ${NOT_SET}"}]
    assert AuditConfig.from_resolved(doc).subjects[0].name == "Price ${NOT_SET}"
    doc["fail_on"] = "urgent"
    with pytest.raises(ConfigError, match="fail_on: stored config is not valid: unknown severity"):
        AuditConfig.from_resolved(doc)
