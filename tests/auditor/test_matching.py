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


# --- URL rules, explanations ------------------------------------------------------------

from auditor.matching import UrlRule, explain  # noqa: E402


def _at(make_obs, channel, url, hints=()):
    o = make_obs(channel, None, "monthly_price", "34.90", url=url)
    return o.__class__(**{**o.__dict__, "subject_hints": tuple(hints)})


def test_subject_urls_and_url_map_placeholders_resolve_with_method_url(make_obs):
    subjects = [*SUBJECTS, SubjectConfig(id="tv", name="TV Perus", urls=["/m/tv/*"])]
    rule = UrlRule.parse({"desktop": "/tuotteet/{slug}", "mobile": "/m/tuote/{code}"})
    m = Matcher(subjects, url_rules=[rule])
    out = m.match_observations([
        _at(make_obs, "mobile", "http://h/m/tv/perus?x=1"),
        _at(make_obs, "desktop", "http://h/tuotteet/kuitu-1000"),
        _at(make_obs, "mobile", "http://h/m/tuote/NT-P10"),
        _at(make_obs, "mobile", "http://h/m/muu/sivu"),
    ])
    assert [(o.subject, (o.match or "").split(":")[0]) for o in out] == [
        ("tv", "url"), ("fiber-1000", "url"), ("puhe-10", "url"), (None, "")]
    assert "/tuotteet/{slug}" in out[1].match and "'kuitu-1000'" in out[1].match


def test_names_beat_urls_and_paired_pages_share_the_name_matched_subject(make_obs):
    rule = UrlRule.parse({"desktop": "/tuotteet/{slug}", "mobile": "/m/{slug}"})
    m = Matcher(SUBJECTS, url_rules=[rule])
    out = m.match_observations([
        _at(make_obs, "desktop", "http://h/tuotteet/p-77", ["Kuitu 100M"]),
        _at(make_obs, "mobile", "http://h/m/p-77"),  # no name on the mobile page
        _at(make_obs, "mobile", "http://h/m/p-78"),  # its desktop page was never seen
    ])
    assert out[0].subject == "fiber-100" and out[0].match.startswith("alias")
    assert out[1].subject == "fiber-100" and "pairs by" in out[1].match
    assert out[2].subject is None


def test_explain_lists_matches_with_reasons_and_near_misses(make_obs):
    m = Matcher(SUBJECTS)
    obs = m.match_observations([
        _at(make_obs, "desktop", "http://h/a", ["Kuitu 100M"]),
        _at(make_obs, "mobile", "http://h/b", ["Kuitu 10M"]),  # numbers differ: unmatched
    ])
    e = explain(obs, SUBJECTS[0])
    assert [o.channel for o in e.matched] == ["desktop"]
    assert [(n.observation.channel, n.why) for n in e.near] == [("mobile", "numbers differ")]
    text = "\n".join(e.lines())
    assert "http://h/a" in text and "alias: 'Kuitu 100M'" in text and "'Kuitu 10M'" in text


def test_explain_command_reads_a_findings_json(demo_run):
    from click.testing import CliRunner

    from auditor.cli import main

    result = CliRunner().invoke(main, ["explain", "mbb-100", str(demo_run.paths["json"])])
    assert result.exit_code == 0, result.output
    assert "Matched observations:" in result.output and "nordtel-chat-" in result.output
    bad = CliRunner().invoke(main, ["explain", "no-such", str(demo_run.paths["json"])])
    assert bad.exit_code == 2 and "unknown subject" in bad.output
