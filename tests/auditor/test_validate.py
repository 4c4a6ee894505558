"""``auditor.validate``: everything about a config that can fail before crawling, found
offline, each problem with its file, the line of the offending key and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from auditor.config import load_config
from auditor.demo import CONFIG_PATH
from auditor.validate import Problem, device_names, validate_config, validate_file

# Line numbers below are this text's: keep replacements one line for one line.
CLEAN = """\
name: shop
base_url: https://shop.example.fi
brand:
  name: Shop
  logo: logo.png
channels:
  desktop:
    kind: web
    start_urls: ["/"]
  mobile:
    kind: web
    device: "iPhone 13"
    start_urls: ["/m/"]
  chat:
    kind: transcripts
    path: chats
subjects:
  - id: fiber-100
    name: Kuitu 100M
rules:
  - name: fiber-price
    description: Fibre prices agree on every channel.
    attribute: monthly_price
    subjects: "fiber-*"
    equal: true
checks:
  price_mismatch: warn
  fine_print: [error, {min_font_px: 12}]
waivers: waivers.yaml
"""

WAIVERS = """\
waivers:
  - match: {check: fine_print, subject: "fiber-*"}
    reason: Legal accepted the small print until the redesign.
    owner: anna@example.fi
    expires: 2099-01-31
"""


def write(tmp_path: Path, text: str = CLEAN, waivers: str = WAIVERS) -> Path:
    """The config in ``tmp_path`` with everything it names: a transcript, a logo, waivers."""
    (tmp_path / "chats").mkdir(exist_ok=True)
    (tmp_path / "chats" / "chat-1.json").write_text("[]", encoding="utf-8")
    Image.new("RGB", (8, 8), "#0050B4").save(tmp_path / "logo.png")
    (tmp_path / "waivers.yaml").write_text(waivers, encoding="utf-8")
    path = tmp_path / "audit.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, old: str, new: str, **kw) -> tuple[Path, list[Problem]]:
    assert old in CLEAN
    text = CLEAN.replace(old, new)
    assert text.count("\n") == CLEAN.count("\n"), "keep the line numbers"
    path = write(tmp_path, text, **kw)
    return path, validate_config(load_config(path, allow_unset_env=True))


def only(found: list[Problem]) -> Problem:
    assert len(found) == 1, "\n".join(map(str, found))
    return found[0]


def test_a_clean_config_has_no_problems(tmp_path):
    path = write(tmp_path)
    assert validate_config(load_config(path)) == []
    assert validate_file(path) == []


def test_the_demo_config_has_no_problems():
    assert validate_file(CONFIG_PATH) == []


def test_missing_transcript_folder(tmp_path):
    path, found = problems(tmp_path, "path: chats", "path: exports/chats")
    p = only(found)
    assert (p.file, p.line, p.key, p.level) == (str(path), 16, "channels.chat.path", "error")
    assert p.message == f"transcript path not found: {tmp_path / 'exports' / 'chats'}"
    assert str(p) == f"{path}:16: channels.chat.path: {p.message}"


def test_a_pattern_that_matches_no_file_is_a_warning(tmp_path):
    path, found = problems(tmp_path, "    kind: transcripts\n    path: chats",
                           "    {kind: transcripts, path: chats,\n     pattern: '*.csv'}")
    p = only(found)
    assert (p.file, p.line, p.key, p.level) == (str(path), 16, "channels.chat.pattern",
                                                "warning")
    assert p.message == f"no files matching '*.csv' in {tmp_path / 'chats'}"


def test_unknown_device_suggests_near_names(tmp_path):
    path, found = problems(tmp_path, 'device: "iPhone 13"', 'device: "iPhone 99"')
    p = only(found)
    assert (p.file, p.line, p.key, p.level) == (str(path), 12, "channels.mobile.device", "error")
    assert p.message.startswith("unknown device 'iPhone 99'; did you mean 'iPhone ")
    assert p.message.endswith("use 'desktop' or a Playwright device name such as "
                              "'iPhone 13' or 'Pixel 7'")


def test_a_near_miss_of_a_device_name_is_suggested_first(tmp_path):
    _, found = problems(tmp_path, 'device: "iPhone 13"', 'device: "iphone 13"')
    assert only(found).message.startswith("unknown device 'iphone 13'; did you mean "
                                          "'iPhone 13'? use 'desktop'")


def test_device_names_come_from_playwright_without_its_driver():
    names = device_names()
    assert {"iPhone 13", "Pixel 7", "iPad Mini"} <= names
    assert "desktop" not in names and len(names) > 100


def test_base_url_without_scheme(tmp_path):
    path, found = problems(tmp_path, "base_url: https://shop.example.fi", "base_url: www.x.com")
    p = only(found)
    assert (p.file, p.line, p.key, p.level) == (str(path), 2, "base_url", "error")
    assert p.message == ("'www.x.com' has no scheme; did you mean 'https://www.x.com'? "
                         "(base_url must be an absolute URL)")


@pytest.mark.parametrize("url, message", [
    ("shop.example.fi/m/", "'shop.example.fi/m/' has no scheme: write "
                           "'https://shop.example.fi/m/' for another site, or '/…' for a path "
                           "on base_url"),
    ("ftp://shop.example.fi/m/", "'ftp://shop.example.fi/m/' has the scheme 'ftp'; expected "
                                 "http or https"),
    ("https:///m/", "'https:///m/' has no host"),
])
def test_start_urls_are_http_with_a_host_or_paths(tmp_path, url, message):
    path, found = problems(tmp_path, 'start_urls: ["/m/"]', f'start_urls: ["{url}"]')
    p = only(found)
    assert (p.file, p.line, p.key) == (str(path), 13, "channels.mobile.start_urls[0]")
    assert p.message == message


def test_relative_paths_and_file_names_are_fine_with_a_base_url(tmp_path):
    _, found = problems(tmp_path, 'start_urls: ["/m/"]', 'start_urls: ["m/", "index.html"]')
    assert found == []


def test_unset_variable_is_reported_with_its_line_not_raised(tmp_path, monkeypatch):
    monkeypatch.delenv("SHOP_URL", raising=False)
    path, found = problems(tmp_path, "base_url: https://shop.example.fi", "base_url: ${SHOP_URL}")
    p = only(found)  # and no second problem about the placeholder not being a URL
    assert (p.file, p.line, p.key, p.level) == (str(path), 2, "base_url", "error")
    assert p.message == "environment variable SHOP_URL is not set"
    assert validate_file(path) == found
    monkeypatch.setenv("SHOP_URL", "https://staging.shop.example.fi")
    assert validate_file(path) == []


def test_unknown_check_id_suggests_the_near_miss(tmp_path):
    path, found = problems(tmp_path, "price_mismatch: warn", "price_mismach: warn")
    p = only(found)
    assert (p.file, p.line, p.key, p.level) == (str(path), 27, "checks.price_mismach", "error")
    assert p.message == ("unknown check 'price_mismach'; did you mean 'price_mismatch'? "
                         "`omniaudit checks` lists them")


def test_unknown_rule_check_names_the_rules(tmp_path):
    _, found = problems(tmp_path, "price_mismatch: warn", '"rule:fiber-prices": warn')
    p = only(found)
    assert (p.line, p.key) == (27, "checks.rule:fiber-prices")
    assert p.message == ("unknown check 'rule:fiber-prices'; did you mean 'rule:fiber-price'? "
                         "rules are: rule:fiber-price")


def test_unknown_option_of_a_real_check(tmp_path):
    path, found = problems(tmp_path, "{min_font_px: 12}", "{min_font_pxx: 12}")
    p = only(found)
    assert (p.file, p.line, p.key, p.level) == (str(path), 28, "checks.fine_print.min_font_pxx",
                                                "error")
    assert p.message == ("unknown option 'min_font_pxx'; did you mean 'min_font_px'? options of "
                         "fine_print: attributes, below_fold, min_contrast, min_font_px, option_fees, "
                         "titled_sections")


def test_option_values_have_the_option_type(tmp_path):
    text = "fine_print: {level: error,\n    min_font_px: big}"
    _, found = problems(tmp_path, "fine_print: [error, {min_font_px: 12}]",
                        text.replace("\n    ", " "))
    p = only(found)
    assert (p.line, p.key) == (28, "checks.fine_print.min_font_px")
    assert p.message == "expected a whole number, got 'big'"


def test_an_auto_option_takes_auto_or_a_number(tmp_path):
    for good in ("auto", "25", "'19.5'"):
        _, found = problems(tmp_path, "price_mismatch: warn",
                            f"price_mismatch: {{level: warn, vat_rate: {good}}}")
        assert not found, good
    _, found = problems(tmp_path, "price_mismatch: warn",
                        "price_mismatch: {level: warn, vat_rate: lots}")
    assert only(found).message == "expected auto or a number, got 'lots'"


def test_option_lists_of_attributes_name_real_attributes(tmp_path):
    _, found = problems(tmp_path, "price_mismatch: warn",
                        "price_mismatch: {level: warn, attributes: [monthly_prise]}")
    p = only(found)
    assert (p.line, p.key) == (27, "checks.price_mismatch.attributes")
    assert p.message.startswith("unknown attribute 'monthly_prise'; did you mean "
                                "'monthly_price'? attributes are: price, list_price, ")


def test_unknown_attribute_in_a_rule(tmp_path):
    path = write(tmp_path, CLEAN.replace("attribute: monthly_price", "attribute: monthly_prise"))
    p = only(validate_file(path))
    assert (p.file, p.line, p.key, p.level) == (str(path), 23, "rules[0].attribute", "error")
    assert p.message.startswith("unknown attribute 'monthly_prise'; did you mean "
                                "'monthly_price'? attributes are: price, ")


def test_unknown_attribute_in_a_selector(tmp_path):
    text = CLEAN.replace('    kind: web\n    start_urls: ["/"]\n',
                         '    kind: web\n    selectors: {activation_fe: ".fee"}\n'
                         '    start_urls: ["/"]\n', 1)
    path = write(tmp_path, text)
    p = only(validate_config(load_config(path)))
    assert (p.file, p.line, p.key) == (str(path), 9, "channels.desktop.selectors.activation_fe")
    assert p.message.startswith("unknown attribute 'activation_fe'; did you mean "
                                "'activation_fee'? ")


def test_subject_globs_that_match_nothing_are_warnings(tmp_path):
    _, found = problems(tmp_path, 'subjects: "fiber-*"', 'subjects: "fibre-*"')
    p = only(found)
    assert (p.line, p.key, p.level) == (24, "rules[0].subjects", "warning")
    assert p.message == ("'fibre-*' matches no subject; did you mean 'fiber-100'? "
                         "subjects are: fiber-100")


def test_unreadable_logo(tmp_path):
    path = write(tmp_path)
    (tmp_path / "logo.png").write_text("not a picture", encoding="utf-8")
    p = only(validate_config(load_config(path)))
    assert (p.file, p.line, p.key) == (str(path), 5, "brand.logo")
    assert p.message.startswith(f"cannot read the reference logo {tmp_path / 'logo.png'} "
                                "as an image: ")


def test_missing_and_broken_waiver_files(tmp_path):
    path, found = problems(tmp_path, "waivers: waivers.yaml", "waivers: accepted.yaml")
    p = only(found)
    assert (p.file, p.line, p.key) == (str(path), 29, "waivers")
    assert p.message == f"waiver file not found: {tmp_path / 'accepted.yaml'}"

    broken = WAIVERS.replace("    owner: anna@example.fi\n", "")
    _, found = problems(tmp_path, "waivers: waivers.yaml", "waivers: waivers.yaml",
                        waivers=broken)
    p = only(found)
    assert (p.file, p.line, p.key) == (str(tmp_path / "waivers.yaml"), 2, "waivers[0].owner")
    assert p.message == "required key is missing"


def test_a_waiver_for_an_unknown_check_is_a_warning(tmp_path):
    _, found = problems(tmp_path, "waivers: waivers.yaml", "waivers: waivers.yaml",
                        waivers=WAIVERS.replace("check: fine_print", "check: fine_prnt"))
    p = only(found)
    assert (p.file, p.line, p.key, p.level) == (str(tmp_path / "waivers.yaml"), 2,
                                                "waivers[0].match.check", "warning")
    assert p.message == ("no check is called 'fine_prnt', so the waiver waives nothing; "
                         "did you mean 'fine_print'?")


def test_every_problem_is_reported_at_once_errors_first(tmp_path, monkeypatch):
    monkeypatch.delenv("SHOP_URL", raising=False)
    text = (CLEAN.replace('device: "iPhone 13"', 'device: "iPhone 99"')
            .replace("path: chats", "path: ${CHATS_DIR}/chats")
            .replace("price_mismatch: warn", "price_mismach: warn")
            .replace('subjects: "fiber-*"', 'subjects: "fibre-*"'))
    monkeypatch.delenv("CHATS_DIR", raising=False)
    found = validate_file(write(tmp_path, text))
    assert [(p.line, p.key, p.level) for p in found] == [
        (12, "channels.mobile.device", "error"),
        (16, "channels.chat.path", "error"),
        (27, "checks.price_mismach", "error"),
        (24, "rules[0].subjects", "warning"),
    ]
    assert found[1].message == "environment variable CHATS_DIR is not set"


def test_a_config_that_does_not_load_is_one_problem(tmp_path):
    path = write(tmp_path, CLEAN.replace("    kind: transcripts\n    path: chats",
                                         "    {kind: transcripts, path: chats,\n"
                                         "     pattren: '*.json'}"))
    p = only(validate_file(path))
    assert (p.file, p.line, p.key) == (str(path), 16, "channels.chat.pattren")
    assert p.message == ("unknown key; did you mean 'pattern'? (see the config reference in "
                         "the README)")
    assert validate_file(tmp_path / "nope.yaml")[0].message == "config file not found"
