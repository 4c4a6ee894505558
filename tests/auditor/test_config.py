from pathlib import Path

import pytest

from auditor.config import ConfigError, load_config, parse_config
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
