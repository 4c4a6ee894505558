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


# --- roles, names in the text, names the catalogue lacks ------------------------------------

def _page_obs(make_obs, url, text, span, hints=(), role="main", attribute="monthly_price",
              value="29.90", channel="desktop"):
    import dataclasses

    o = make_obs(channel, None, attribute, value, text=text, url=url)
    return dataclasses.replace(o, subject_hints=tuple(hints), role=role, span=span)


def test_text_on_most_pages_is_chrome_unless_it_names_an_offer(make_obs):
    m = Matcher(SUBJECTS)
    footer = "Toimitus 4,90 € kaikkiin tilauksiin"
    banner = "Nyt Kuitu 1000M vain 39,90 €/kk!"
    obs = []
    for i in range(4):
        url = f"http://h/page-{i}"
        obs.append(_page_obs(make_obs, url, footer, (9, 15), ["Kuitu 100M"],
                             attribute="delivery_fee", value="4.90"))
        obs.append(_page_obs(make_obs, url, banner, (20, 31), ["Kuitu 100M"]))
        obs.append(_page_obs(make_obs, url, f"Ainutlaatuinen teksti {i} 10 €", (23, 27),
                             ["Kuitu 100M"], value="10"))
    out = m.match_observations(obs)
    fee = [o for o in out if o.attribute == "delivery_fee"]
    assert {(o.role, o.subject) for o in fee} == {("chrome", None)}
    assert all("channel-wide" in o.match for o in fee)
    # The banner names its own offer: that offer's, never the page's title (Kuitu 100M).
    assert {(o.role, o.subject) for o in out if o.text == banner} == {("other", "fiber-1000")}
    assert {o.subject for o in out if o.text.startswith("Ainutlaatuinen")} == {"fiber-100"}


def test_a_price_repeated_only_in_other_products_cards_is_not_chrome(make_obs):
    # "29,90 €/kk" is Kuitu 100M's price on its own page; a "you may also like" strip repeats
    # the card on every other page. That is a product card, not the site's furniture.
    m = Matcher(SUBJECTS)
    obs = [_page_obs(make_obs, "http://h/kuitu-100", "29,90 €/kk", (0, 10), ["Kuitu 100M"])]
    for i in range(5):
        obs.append(_page_obs(make_obs, f"http://h/other-{i}", "29,90 €/kk", (0, 10),
                             ["Kuitu 100M"], role="other"))
        # ... and the mini-cart in the header says it too.
        obs.append(_page_obs(make_obs, f"http://h/other-{i}", "29,90 €/kk", (0, 10),
                             role="chrome"))
    out = m.match_observations(obs)
    assert {(o.role, o.subject) for o in out} == {("main", "fiber-100"), ("other", "fiber-100"),
                                                  ("chrome", None)}


def test_a_card_never_falls_back_to_the_page_title_and_an_unknown_name_stays_unmatched(make_obs):
    m = Matcher(SUBJECTS)
    card = _page_obs(make_obs, "http://h/p", "49,90 €/kk", (0, 10), ["Kuitu 2000M"],
                     role="other")
    section = _page_obs(make_obs, "http://h/p", "Hinta 29,90 €/kk", (6, 16),
                        ["Hinnat", "Kuitu 100M"])
    named = _page_obs(make_obs, "http://h/p", "Päivitä Kuitu 2000M:ään: 59,90 €/kk", (25, 35),
                      ["Kuitu 100M"])
    a, b, c = m.match_observations([card, section, named])
    assert a.subject is None and a.match.startswith("unknown offer name 'Kuitu 2000M'")
    assert "add it to `subjects`" in a.match
    assert (b.subject, b.role) == ("fiber-100", "main")
    assert c.subject is None and "unknown offer name" in c.match


def test_a_name_in_the_text_counts_only_in_its_sentence(make_obs):
    m = Matcher(SUBJECTS)
    text = "Kuitu 1000M on 18 kk sopimus. Puhelinliittymissä ei ole määräaikaa."
    o = _page_obs(make_obs, "http://h/help", text, (49, 67), ["Hinnasto"],
                  attribute="contract_months", value="0")
    [out] = m.match_observations([o])
    assert out.subject is None  # "ei ole määräaikaa" is not about Kuitu 1000M


def test_a_bundle_price_is_the_offer_the_other_is_sold_with(make_obs):
    subjects = SUBJECTS + [SubjectConfig(id="iphone", name="iPhone 16")]
    m = Matcher(subjects)
    text = "iPhone 16 mit Puhe 10 Gt für 42,99 € mtl."
    o = _page_obs(make_obs, "http://h/phones", text, (29, 41), [], role="other")
    [out] = m.match_observations([o])
    assert out.subject == "iphone"


def test_a_name_that_fits_two_offers_equally_names_neither():
    m = Matcher([SubjectConfig(id="a", name="Mobilt bredbånd 100 GB"),
                 SubjectConfig(id="b", name="Mobilt bredbånd Fri")])
    assert m.resolve("Mobilt bredbånd") is None
    assert m.resolve("Mobilt bredbånd Fri").subject == "b"


def test_a_lower_case_word_is_not_a_one_word_capitalised_name():
    m = Matcher([SubjectConfig(id="u", name="Mobil Obegränsad", aliases=["Obegränsad"])])
    assert [x.subject for x in m.find_mentions("Obegränsad kostar 379 kr")] == ["u"]
    assert m.find_mentions("349 kr/mån, obegränsad surf") == []


def test_stored_observations_without_hints_keep_their_subject(make_obs):
    m = Matcher(SUBJECTS)
    o = make_obs("desktop", "fiber-100", "monthly_price", "34.90")
    gone = make_obs("desktop", "fiber-300", "monthly_price", "44.90")
    kept, dropped = m.match_observations([o, gone])
    assert kept.subject == "fiber-100"
    assert dropped.subject is None  # no longer in the catalogue


def test_a_shorter_name_inside_a_card_titled_with_a_longer_one_is_the_card_offer(make_obs):
    m = Matcher([SubjectConfig(id="unlimited", name="Unlimited"),
                 SubjectConfig(id="unlimited-max", name="Unlimited Max")])
    text = "Unlimited premium data $60/mo"
    in_max_card = _page_obs(make_obs, "http://h/plans", text, (23, 29), ["Unlimited Max"],
                            role="other")
    in_plain_card = _page_obs(make_obs, "http://h/plans", "Unlimited data $40/mo", (15, 21),
                              ["Unlimited"], role="other")
    # A card titled with an unrelated offer: the name in the text still wins.
    elsewhere = _page_obs(make_obs, "http://h/plans", "Unlimited data $40/mo", (15, 21),
                          ["Starter 5GB"], role="other")
    a, b, c = m.match_observations([in_max_card, in_plain_card, elsewhere])
    assert a.subject == "unlimited-max"
    assert b.subject == "unlimited" and c.subject == "unlimited"


def test_a_scope_clause_gives_its_amount_to_what_it_names(make_obs):
    """"…19,99 € Anschlusspreis, bei Smartphone-Bundles 39,99 €": the second fee is said of
    something the catalogue lacks, never of the tariffs named earlier in the sentence, even
    on a page whose title names one of them; a scope clause naming an offer gives it that."""
    subjects = [SubjectConfig(id="mobil-s", name="Mobil S"),
                SubjectConfig(id="mobil-xl", name="Mobil XL")]
    m = Matcher(subjects)
    text = ("Bei unseren Laufzeittarifen Mobil S und Mobil XL berechnen wir einmalig 19,99 € "
            "Anschlusspreis, bei Smartphone-Bundles 39,99 €.")
    first = text.index("19,99")
    second = text.index("39,99")
    obs = [_page_obs(make_obs, "http://h/m/tarife/mobil-s/", text, (first, first + 7),
                     ["Mobil S"], attribute="activation_fee", value="19.99"),
           _page_obs(make_obs, "http://h/m/tarife/mobil-s/", text, (second, second + 7),
                     ["Mobil S"], attribute="activation_fee", value="39.99")]
    fee, bundle = m.match_observations(obs)
    assert fee.subject == "mobil-xl"  # the nearest name before it
    assert bundle.subject is None
    assert "said of 'Smartphone-Bundles'" in bundle.match
    text = "Anschlusspreis bei Mobil S 19,99 €, bei Mobil XL 0 €."
    zero = text.index("0 €")
    [named] = m.match_observations([_page_obs(make_obs, "http://h/hilfe", text, (zero, zero + 3),
                                              attribute="activation_fee", value="0")])
    assert named.subject == "mobil-xl"


def test_a_fuzzy_name_is_near_word_for_word():
    m = Matcher([SubjectConfig(id="duo", name="Voltéa Duo", aliases=["offre Duo"])])
    # "offre d" is near "offre duo" as a whole, but "d'automne" is no "Duo".
    assert m.find_mentions("Offre d’automne jusqu’au 31 octobre") == []
    assert [x.subject for x in m.find_mentions("Voltea Duo à 32,95 €")] == ["duo"]


def test_a_subject_id_is_a_code_not_a_word_in_free_text():
    m = Matcher([SubjectConfig(id="gaz", name="Voltéa Gaz", aliases=["offre gaz"])])
    assert m.find_mentions("Pour l'électricité et le gaz, le plus intéressant est …") == []
    assert m.resolve("gaz").subject == "gaz"  # a data-offer="gaz" hint still resolves
    assert [x.subject for x in m.find_mentions("Voltéa Gaz à 22,48 €")] == ["gaz"]


def test_an_inflected_one_word_alias_counts_in_lower_case():
    # The config lists the definite form beside the name: the word is a noun of running
    # text, written lower-case there ("kodpanelen kostar 1 295 kr").
    m = Matcher([SubjectConfig(id="kp", name="Kodpanel", aliases=["Kodpanelen"]),
                 SubjectConfig(id="u", name="Mobil Obegränsad", aliases=["Obegränsad"])])
    assert [x.subject for x in m.find_mentions("och kodpanelen kostar 1 295 kr")] == ["kp"]
    assert m.find_mentions("349 kr/mån, obegränsad surf") == []
    assert m.find_mentions("en kodpanel till") == []  # the name itself keeps its capital


def test_a_term_read_from_inside_an_offers_name_is_the_name(make_obs):
    """"uten binding" in "Flex uten binding" names the offer; it is no open-ended contract
    of the offer the line is about. The same words outside a name are a claim."""
    import dataclasses
    from decimal import Decimal

    m = Matcher([*SUBJECTS, SubjectConfig(id="flex", name="Flex uten binding"),
                 SubjectConfig(id="enyaq", name="Skoda Enyaq")])
    text = "Levering: Skoda Enyaq 1 490 kr, Flex uten binding 990 kr."
    start = text.index("uten binding")
    inside = dataclasses.replace(
        make_obs("mobile", None, "contract_months", "0"), text=text,
        span=(start, start + len("uten binding")), subject_hints=("Skoda Enyaq",))
    text2 = "Skoda Enyaq: ingen binding, 1 490 kr levering."
    start2 = text2.index("ingen binding")
    outside = dataclasses.replace(
        make_obs("mobile", None, "contract_months", "0"), text=text2,
        span=(start2, start2 + len("ingen binding")), subject_hints=("Skoda Enyaq",))
    named, claim = m.match_observations([inside, outside])
    assert named.subject is None and "part of the name 'Flex uten binding'" in named.match
    assert claim.subject == "enyaq" and claim.value == Decimal("0")
