from auditor.extract.brand import brand_mentions, brand_stem


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
