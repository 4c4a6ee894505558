"""Languages are data: one YAML file each, loaded and checked at import."""

from __future__ import annotations

from decimal import Decimal

import pytest

from auditor.extract.lexicon import LEXICON_DIR, LexiconError, load_lexicons
from auditor.extract.text import LEXICONS, extract_facts

D = Decimal


def test_every_language_file_loads_and_norwegian_is_one_of_them():
    assert {"fi", "en", "sv", "de", "fr", "nb", "es"} <= set(LEXICONS)
    assert LEXICONS["nb"].name == "Norwegian (bokmål)"
    # Norwegian was added as a file only: its vocabulary reads Norwegian shop text.
    facts = [(f.attribute, f.value) for f in extract_facts(
        "Fjellnett 15 GB 379 kr/mnd. Bindingstid 12 måneder. Etableringsgebyr 0 kr. "
        "Alle priser inkl. mva.")]
    assert facts == [("monthly_price", D(379)), ("contract_months", D(12)),
                     ("activation_fee", D(0)), ("vat_included", True)]


def test_a_new_language_is_a_file(tmp_path):
    for code in ("fi", "en"):
        (tmp_path / f"{code}.yaml").write_text((LEXICON_DIR / f"{code}.yaml").read_text(
            encoding="utf-8"), encoding="utf-8")
    (tmp_path / "xx.yaml").write_text(
        "code: xx\nname: Test\nmonthly_labels: ['kuukra']\nmonth_units: ['kuu']\n",
        encoding="utf-8")
    found = load_lexicons(tmp_path)
    assert list(found) == ["fi", "en", "xx"]  # priority order: fi 10, en 20, xx default 100
    assert found["xx"].monthly_labels == ("kuukra",)


@pytest.mark.parametrize(("content", "message"), [
    ("code: xx\nmoney_words: ['a']\n", "unknown field 'money_words'"),
    ("code: xx\nmonthly_labels: ['(unclosed']\n", "monthly_labels: fragment '(unclosed' is not"),
    ("code: xx\nmonthly_labels: 12\n", "monthly_labels must be a list of strings"),
    ("code: xx\nfee_labels: {parking_fee: ['x']}\n", "fee_labels.parking_fee: expected one of"),
    ("code: xx\nnumber_words: {yksi: many}\n", "number_words.yksi: 'many' is not a number"),
    ("code: [xx\n", "not valid YAML"),
])
def test_a_broken_language_file_names_the_file_and_the_field(tmp_path, content, message):
    (tmp_path / "xx.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        load_lexicons(tmp_path)
    assert "xx.yaml" in str(err.value) and message in str(err.value)


def test_no_language_file_is_an_error(tmp_path):
    with pytest.raises(LexiconError, match="no language files"):
        load_lexicons(tmp_path)
