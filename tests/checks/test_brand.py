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
