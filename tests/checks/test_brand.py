import imagehash
from PIL import Image, ImageDraw

from checks import BrandInfo

BRAND = BrandInfo(name="Nordtel", retired_names=("TeleNord",), colors=("#0050B4",))


def test_brand_name_misspelt_and_retired(run_check, make_obs):
    obs = [make_obs("chat", "brand", "brand_name", "Nortel", source="transcript"),
           make_obs("chat", "brand", "brand_name", "Nortel", source="transcript"),
           make_obs("desktop", "brand", "brand_name", "TeleNord"),
           make_obs("mobile", "brand", "brand_name", "Nordtel")]
    found = run_check("brand_name", obs, brand=BRAND)
    assert [(f.channels, f.values) for f in found] == [
        (("chat",), {"chat": "Nortel"}), (("desktop",), {"desktop": "TeleNord"})]
    assert "2 times" in found[0].message and "retired" in found[1].message


def test_brand_name_passes_correct_name(run_check, make_obs):
    obs = [make_obs(ch, "brand", "brand_name", "Nordtel") for ch in ("desktop", "chat")]
    assert run_check("brand_name", obs, brand=BRAND) == []


def _logo(shape: str) -> str:
    img = Image.new("RGB", (200, 60), "white")
    d = ImageDraw.Draw(img)
    if shape == "bar":
        d.rectangle((10, 10, 190, 50), fill=(0, 80, 180))
    else:
        d.ellipse((10, 5, 60, 55), fill=(228, 87, 46))
        d.rectangle((70, 25, 190, 35), fill=(40, 40, 40))
    return str(imagehash.phash(img))


def test_logo_drift_old_logo_on_mobile(run_check, make_obs):
    current, old = _logo("bar"), _logo("circle")
    brand = BrandInfo(name="Nordtel", logo_hash=current)
    obs = [make_obs("desktop", "brand", "logo", current), make_obs("mobile", "brand", "logo", old)]
    [f] = run_check("logo_drift", obs, brand=brand)
    assert f.channels == ("mobile",)
    assert run_check("logo_drift", obs[:1], brand=brand) == []


def test_logo_drift_without_reference_uses_the_majority(run_check, make_obs):
    current, old = _logo("bar"), _logo("circle")
    obs = [make_obs("desktop", "brand", "logo", current),
           make_obs("chat", "brand", "logo", current),
           make_obs("mobile", "brand", "logo", old)]
    [f] = run_check("logo_drift", obs, brand=None)
    assert f.channels == ("mobile",)


def test_color_drift_old_colour_on_mobile(run_check, make_obs):
    obs = [make_obs("desktop", "brand", "color_primary", "#0050B4"),
           make_obs("mobile", "brand", "color_primary", "#E4572E")]
    [f] = run_check("color_drift", obs, brand=BRAND)
    assert f.channels == ("mobile",) and "#E4572E" in f.message


def test_color_drift_passes_a_barely_different_shade(run_check, make_obs):
    obs = [make_obs("mobile", "brand", "color_primary", "#0052B6")]
    assert run_check("color_drift", obs, brand=BRAND) == []


# --- brand_name: wrong case -----------------------------------------------------------------

BRIGHTWIRE = BrandInfo(name="Brightwire")


def test_brand_name_wrong_case(run_check, make_obs):
    obs = [make_obs("desktop", "brand", "brand_name", "BrightWire")]
    [f] = run_check("brand_name", obs, brand=BRIGHTWIRE)
    assert (f.subject, f.attribute, f.channels) == ("brand", "brand_name", ("desktop",))
    assert f.message == ("desktop writes 'BrightWire', the brand name in the wrong case "
                         "'Brightwire' (1 time).")
    assert f.values == {"desktop": "BrightWire"}


def test_brand_name_wrong_case_and_misspelling_are_two_findings(run_check, make_obs):
    obs = [make_obs("desktop", "brand", "brand_name", "BrightWire"),
           make_obs("desktop", "brand", "brand_name", "Brightwyre")]
    found = run_check("brand_name", obs, brand=BRIGHTWIRE)
    assert len({f.fingerprint for f in found}) == 2
    assert sorted(f.values["desktop"] for f in found) == ["BrightWire", "Brightwyre"]
    kinds = {f.values["desktop"]: "wrong case" in f.message for f in found}
    assert kinds == {"BrightWire": True, "Brightwyre": False}


def test_brand_name_written_as_the_brand_passes(run_check, make_obs):
    obs = [make_obs(ch, "brand", "brand_name", "Brightwire") for ch in ("desktop", "mobile")]
    assert run_check("brand_name", obs, brand=BRIGHTWIRE) == []


def test_brand_name_all_caps_in_text_is_not_a_wrong_case(run_check, make_obs):
    # What the extractor makes of the text is what the check sees: all capitals are
    # typography, "BrightWire" is the brand in the wrong case.
    from auditor.extract.brand import brand_mentions, mention_value

    def observed(text: str) -> list:
        return [make_obs("desktop", "brand", "brand_name", mention_value(m, "Brightwire"),
                         text=text) for m in brand_mentions(text, "Brightwire")]

    assert run_check("brand_name", observed("Welcome to BRIGHTWIRE broadband"),
                     brand=BRIGHTWIRE) == []
    [f] = run_check("brand_name", observed("Welcome to BrightWire broadband"),
                    brand=BRIGHTWIRE)
    assert "wrong case" in f.message


# --- logo_drift: shape and colour -------------------------------------------------------

VIOLET, BLUE = "#5B2BD9", "#0A8FD1"


def test_logo_drift_same_shape_other_colour(run_check, make_obs):
    shape = _logo("bar")
    brand = BrandInfo(name="Nordtel", logo_hash=f"{shape} {VIOLET}")
    obs = [make_obs("desktop", "brand", "logo", f"{shape} {VIOLET}"),
           make_obs("mobile", "brand", "logo", f"{shape} {BLUE}")]
    [f] = run_check("logo_drift", obs, brand=brand)
    assert (f.attribute, f.channels) == ("logo", ("mobile",))
    assert f"its colour {BLUE} is not the logo's {VIOLET}" in f.message
    assert "shape" not in f.message
    assert f.values == {"mobile": f"different logo (colour {BLUE})"}


def test_logo_drift_same_shape_nearly_the_same_colour_passes(run_check, make_obs):
    shape = _logo("bar")
    brand = BrandInfo(name="Nordtel", logo_hash=f"{shape} {VIOLET}")
    obs = [make_obs("desktop", "brand", "logo", f"{shape} {VIOLET}"),
           make_obs("mobile", "brand", "logo", f"{shape} #5D2DDB")]
    assert run_check("logo_drift", obs, brand=brand) == []
    # ... unless the colour limit is tighter than the difference (ΔE2000 about 0.6).
    [f] = run_check("logo_drift", obs, brand=brand, options={"max_delta_e": 0.1})
    assert f.channels == ("mobile",)


def test_logo_drift_without_reference_the_palette_beats_the_majority(run_check, make_obs):
    shape = _logo("bar")
    brand = BrandInfo(name="Nordtel", colors=(VIOLET,))
    obs = [make_obs("desktop", "brand", "logo", f"{shape} {VIOLET}"),
           make_obs("mobile", "brand", "logo", f"{shape} {BLUE}"),
           make_obs("mobile", "brand", "logo", f"{shape} {BLUE}"),
           make_obs("chat", "brand", "logo", f"{shape} {BLUE}")]
    found = run_check("logo_drift", obs, brand=brand)
    assert [f.channels for f in found] == [("chat",), ("mobile",)]
    assert "on 2 pages" in found[1].message and VIOLET in found[1].message
    # Without a palette the majority (blue) is the reference, and desktop drifts.
    [f] = run_check("logo_drift", obs, brand=BrandInfo(name="Nordtel"))
    assert f.channels == ("desktop",) and f"its colour {VIOLET}" in f.message


def test_brand_name_raw_all_caps_observation_is_not_a_wrong_case(run_check, make_obs):
    # A stored run may hold the value as written; all capitals stays typography.
    obs = [make_obs("desktop", "brand", "brand_name", "BRIGHTWIRE")]
    assert run_check("brand_name", obs, brand=BRIGHTWIRE) == []
    obs = [make_obs("desktop", "brand", "brand_name", "BRIGHTWIRe")]
    [f] = run_check("brand_name", obs, brand=BRIGHTWIRE)
    assert "wrong case" in f.message


def test_logo_drift_names_the_logo_it_compares_against(run_check, make_obs):
    shape = _logo("bar")
    obs = [make_obs("desktop", "brand", "logo", f"{shape} {VIOLET}"),
           make_obs("chat", "brand", "logo", f"{shape} {VIOLET}"),
           make_obs("mobile", "brand", "logo", f"{shape} {BLUE}")]
    [f] = run_check("logo_drift", obs, brand=BrandInfo(name="Nordtel", colors=(VIOLET,)))
    assert f.channels == ("mobile",)
    # One reference, from another channel: the report shows it beside mobile's logo.
    assert f.reference == (obs[1].id,) and obs[2].id in f.observations
