from auditor.config import SubjectConfig
from auditor.matching import Matcher

SUBJECTS = [
    SubjectConfig(id="fiber-100", name="Kuitu 100M", aliases=["100 megan kuitu"]),
    SubjectConfig(id="fiber-1000", name="Kuitu 1000M", aliases=["1000 megan kuitu", "Kuitu 1000"]),
    SubjectConfig(id="puhe-10", name="Puhe 10 Gt", sku=["NT-P10"]),
]


def test_alias_sku_and_fuzzy_resolution_with_explanations():
    m = Matcher(SUBJECTS)
    assert m.resolve("kuitu 1000").method == "alias"
    assert m.resolve("sku:NT-P10").subject == "puhe-10"
    assert m.resolve("sku:fiber-100").method == "sku"
    fuzzy = m.resolve("Nordtel Kuitu 1000M kotiin")
    assert fuzzy and fuzzy.subject == "fiber-1000" and fuzzy.method.startswith("fuzzy:")


def test_numbers_decide_between_sibling_offers():
    m = Matcher(SUBJECTS)
    assert m.resolve("Kuitu 100M").subject == "fiber-100"
    assert m.resolve("Kuitu 1000M").subject == "fiber-1000"
    assert m.resolve("Kuitu 300M") is None  # not in the catalogue: unmatched, not guessed
    assert m.resolve("Kuituliittymät") is None


def test_mentions_in_free_text_in_order():
    m = Matcher(SUBJECTS)
    found = m.find_mentions("Onko 1000 megan kuidun vai Kuitu 100M parempi? Puhe 10 Gt myös.")
    assert [x.subject for x in found] == ["fiber-1000", "fiber-100", "puhe-10"]
    assert found[0].method.startswith("fuzzy:") and found[1].method == "alias"


def test_unmatched_observations_are_kept(make_obs):
    m = Matcher(SUBJECTS)
    a = make_obs("desktop", None, "monthly_price", "34.90")
    a = a.__class__(**{**a.__dict__, "subject_hints": ("Lisätiedot", "Kuitu 100M")})
    b = make_obs("desktop", None, "monthly_price", "9.90")
    b = b.__class__(**{**b.__dict__, "subject_hints": ("Jotain muuta",)})
    out = m.match_observations([a, b])
    assert out[0].subject == "fiber-100" and "Kuitu 100M" in out[0].match
    assert out[1].subject is None and len(out) == 2
