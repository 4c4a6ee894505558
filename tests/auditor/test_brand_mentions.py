from auditor.extract.brand import brand_mentions, brand_stem, mention_value


def test_inflected_brand_is_exact_and_near_misses_are_misspelt():
    text = "Kiitos kun valitsit Nortelin! Nordtelin asiakaspalvelu ja NordTel palvelevat."
    kinds = [(m.word, m.kind) for m in brand_mentions(text, "Nordtel")]
    # Names are compared as written: "NordTel" for "Nordtel" is the brand in the wrong case.
    assert kinds == [("Nortelin", "misspelt"), ("Nordtelin", "exact"), ("NordTel", "miscased")]
    assert brand_stem("Nortelin", "Nordtel") == "Nortel"


def test_retired_names_and_ordinary_words():
    found = brand_mentions("Entinen TeleNord on nyt osa meitä. Nordea ja Norden eivät.",
                           "Nordtel", retired=["TeleNord"])
    assert [(m.word, m.kind) for m in found] == [("TeleNord", "retired")]


def test_a_brand_of_several_words_is_named_by_its_first_word():
    from auditor.extract.brand import mention_value

    brand = "BrightLine Mobile"
    text = "Thanks for contacting Brightline Mobile! BrightLine Mobile Customer Care"
    found = brand_mentions(text, brand)
    assert [(m.word, m.kind) for m in found] == [("Brightline", "miscased"),
                                                 ("BrightLine", "exact")]
    assert [mention_value(m, brand) for m in found] == ["Brightline", "BrightLine Mobile"]
    # "Mobile" alone is an ordinary word, never a mention of the brand.
    assert brand_mentions("Mobile data in the EU", brand) == []


def test_a_brand_written_without_its_accents_is_a_finding_of_its_own():
    """"Voltea Energie" for "Voltéa Énergie" is how a template without accents writes it:
    a spelling the brand does not use, kept as written."""
    [m] = brand_mentions("Voltea Energie SAS – RCS Lyon", "Voltéa Énergie")
    assert (m.word, m.kind, mention_value(m, "Voltéa Énergie")) == ("Voltea", "unaccented",
                                                                    "Voltea")
    assert [x.kind for x in brand_mentions("Chez Voltéa, VOLTÉA", "Voltéa Énergie")] == [
        "exact", "exact"]
    assert brand_mentions("Nordtel", "Nordtel")[0].kind == "exact"  # no accents, no change
