"""What a logo looks like, as one comparable value: its shape and its colour.

A perceptual hash (imagehash's pHash, 64 bits) sees the shape of a logo on a grey scale, so
scaling and compression do not change it — but neither does a recolouring, and a rebrand
often keeps the mark and changes its colour (a blue logo turned violet). So a logo's value
is ``"<phash> #RRGGBB"``: the hash and the logo's dominant colour, the most frequent
saturated colour once transparency is drawn on white (greys, black and white are the
background and the outline, not the brand). ``logo_drift`` compares both.
"""

from __future__ import annotations

import io
from typing import Any

__all__ = ["image_signature", "parse_signature", "signature_of_bytes"]

#: Chroma (LCh) below which a colour is a grey: background or outline, not the brand.
MIN_CHROMA = 20.0


def _flat(img: Any) -> Any:
    from PIL import Image

    if img.mode in ("RGBA", "LA", "P", "PA"):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.split()[3])
        return flat
    return img.convert("RGB")


def dominant_colour(img: Any) -> str | None:
    """The brand colour of an image, as ``#RRGGBB``: of its colour clusters, the one with the
    most pixels weighted by saturation — anti-aliased edges blend the brand colour with the
    background into many pale tints, and must not outvote the colour itself."""
    from coloraide import Color

    small = _flat(img).copy()
    small.thumbnail((256, 256))
    quantised = small.quantize(colors=16)
    palette = quantised.getpalette() or []
    best: tuple[float, str] | None = None
    for count, index in quantised.getcolors() or ():
        r, g, b = palette[index * 3:index * 3 + 3]
        hexa = f"#{r:02X}{g:02X}{b:02X}"
        chroma = Color(hexa).convert("lch")["chroma"]
        if chroma < MIN_CHROMA:
            continue
        score = count * chroma
        if best is None or score > best[0]:
            best = (score, hexa)
    return best[1] if best else None


def image_signature(img: Any) -> str | None:
    """``"<phash> #RRGGBB"`` (or just the hash for a logo without a saturated colour)."""
    import imagehash

    if img.width < 4 or img.height < 4:
        return None
    flat = _flat(img)
    phash = str(imagehash.phash(flat))
    colour = dominant_colour(flat)
    return f"{phash} {colour}" if colour else phash


def signature_of_bytes(data: bytes) -> str | None:
    """The signature of an encoded image (PNG, JPEG, GIF, WebP …)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        img.load()
        return image_signature(img)


def parse_signature(value: str) -> tuple[str, str | None]:
    """``"8384d769 #5B2BD9"`` → ``("8384d769", "#5B2BD9")``; a bare hash has no colour."""
    phash, _, colour = str(value).partition(" ")
    return phash, colour or None
