"""The Nordtel demo shop's offers, and what each channel says about each of them.

This is the single place where the demo's facts live. Every offer has one
:class:`Facts` record per channel: ``desktop`` is the reference ("the truth the company
meant to tell"), ``mobile`` is what the mobile site renders and ``chat`` is what the
agents in ``transcripts/`` state (``None`` where the chats never mention the offer).
Wherever a channel deliberately differs from the desktop the line carries a comment
``# SEEDED <check>: ...`` naming the problem the audit is expected to find; those are
listed again, machine-readably, in ``answer_key.json``. Everything else is identical on
purpose — the consistent offers must not be flagged.

The server renders pages from these records; nothing about an offer is typed into a
template. Campaign dates are kept relative (``ends_in_days``) and resolved against the
server's ``today`` at request time so the demo stays true next year.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, replace
from decimal import Decimal

#: VAT percentage stated on every page (Finland, since 1.9.2024).
VAT_TEXT = "Hinnat sis. alv 25,5 %"


# --------------------------------------------------------------------------- formatting


def fmt_eur(amount: Decimal) -> str:
    """``Decimal("29")`` → ``"29,00 €"``; zero is written the way shops do: ``"0 €"``."""
    if amount == 0:
        return "0 €"
    return f"{amount:.2f}".replace(".", ",") + " €"


def fmt_monthly(amount: Decimal) -> str:
    """``Decimal("24.90")`` → ``"24,90 €/kk"`` (zero → ``"0 €/kk"``)."""
    return fmt_eur(amount) + "/kk"


def fmt_date(day: _dt.date) -> str:
    """Finnish short date without leading zeros: ``"5.1.2027"``."""
    return f"{day.day}.{day.month}.{day.year}"


def contract_text(months: int | None) -> str:
    """``12`` → ``"12 kk määräaikainen sopimus"``; ``None`` → open-ended contract."""
    if months is None:
        return "Toistaiseksi voimassa oleva sopimus"
    return f"{months} kk määräaikainen sopimus"


def contract_short(months: int | None) -> str:
    """The value half of ``"Sopimuskausi: 24 kk"`` (open-ended: ``"toistaiseksi voimassa"``)."""
    return "toistaiseksi voimassa" if months is None else f"{months} kk"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Campaign:
    """A time-limited promotion: ``promo_months`` at ``promo_price``, then the regular price."""

    label: str  # "Kampanja", "Syystarjous" ...
    promo_months: int
    promo_price: Decimal
    #: Days from the server's *today* to the last valid day (negative: already over).
    ends_in_days: int

    def ends_on(self, today: _dt.date) -> _dt.date:
        return today + _dt.timedelta(days=self.ends_in_days)

    def text(self, regular: Decimal, today: _dt.date) -> str:
        """``"Kampanja: 3 kk 0 €/kk, sitten 44,90 €/kk, voimassa 23.12.2026 asti"``."""
        return (
            f"{self.label}: {self.promo_months} kk {fmt_monthly(self.promo_price)}, "
            f"sitten {fmt_monthly(regular)}, voimassa {fmt_date(self.ends_on(today))} asti"
        )


@dataclass(frozen=True)
class Facts:
    """What one channel states about one offer. ``None`` means "not stated at all"."""

    monthly_price: Decimal
    #: ``Decimal(0)`` is rendered "Ei avausmaksua"; ``None`` means the channel is silent.
    activation_fee: Decimal | None
    #: Months of a fixed-term contract; ``None`` = "Toistaiseksi voimassa oleva sopimus".
    contract_months: int | None
    delivery_fee: Decimal | None = None
    campaign: Campaign | None = None
    #: Where the activation fee is printed: ``"visible"`` or ``"collapsed"`` (a closed <details>).
    fee_placement: str = "visible"


@dataclass(frozen=True)
class Offer:
    id: str
    name: str
    category: str  # "mobiililaajakaista" | "kuitu" | "puhe"
    desktop_slug: str  # /tuotteet/<desktop_slug>
    mobile_slug: str  # /m/tuote/<mobile_slug>
    speed: str  # "100 Mbit/s"
    lead: str  # one-sentence pitch, no prices
    features: tuple[str, ...]  # bullet points, no prices
    desktop: Facts
    mobile: Facts | None  # None: the mobile site does not sell it (none of the demo's)
    chat: Facts | None  # None: the transcripts never talk about it
    #: How the desktop detail page is built (the markup variety real sites have).
    layout: str = "table"  # "table" | "dl" | "prose"
    jsonld: bool = False  # schema.org Product JSON-LD on the desktop detail page
    js_pricebox: bool = False  # desktop price box fetched from /api/offers/<id>.json
    mobile_jsonld: bool = False
    data_allowance: str | None = None  # "50 Gt", "Rajaton" (phone plans)

    @property
    def desktop_path(self) -> str:
        return f"/tuotteet/{self.desktop_slug}"

    @property
    def mobile_path(self) -> str:
        return f"/m/tuote/{self.mobile_slug}"


@dataclass(frozen=True)
class Category:
    id: str
    title: str  # listing page <h1>
    desktop_path: str
    mobile_path: str
    intro: str
    mobile_title: str = ""


CATEGORIES: tuple[Category, ...] = (
    Category(
        "mobiililaajakaista",
        "Mobiililaajakaista",
        "/mobiililaajakaista",
        "/m/laajakaista",
        "Langaton netti kotiin ja mökille – modeemi tulee valmiiksi määritettynä, "
        "kytket vain virran.",
        "Laajakaista",
    ),
    Category(
        "kuitu",
        "Kuitulaajakaista",
        "/kuitu",
        "/m/kuitu",
        "Kiinteä kuituyhteys kerrostaloon tai omakotitaloon. Tarkista saatavuus osoitteellasi "
        "ja tilaa verkossa.",
        "Kuitu",
    ),
    Category(
        "puhe",
        "Puhelinliittymät",
        "/puhe",
        "/m/puhe",
        "Puheliittymät 5G- ja 4G-verkkoon. Kaikissa liittymissä rajattomat puhelut ja "
        "tekstiviestit Suomessa.",
        "Puhe",
    ),
)

D = Decimal  # short alias for the table below

# --------------------------------------------------------------------------- the offers
#
# Desktop facts first (the reference), then mobile and chat expressed as "same as desktop"
# or as a deliberate, commented difference.

_mbb100 = Facts(
    monthly_price=D("24.90"), activation_fee=None, contract_months=None, delivery_fee=D("0")
)
_mbb300 = Facts(
    monthly_price=D("29.90"), activation_fee=D("0"), contract_months=None, delivery_fee=D("0")
)
_mbb1000 = Facts(
    monthly_price=D("39.90"), activation_fee=D("0"), contract_months=None, delivery_fee=D("0")
)
_fiber100 = Facts(
    monthly_price=D("34.90"),
    activation_fee=D("29.00"),
    contract_months=12,
    # SEEDED fine_print: on desktop the 29,00 € fee is only inside a closed <details>.
    fee_placement="collapsed",
)
_fiber300 = Facts(
    monthly_price=D("44.90"),
    activation_fee=D("29.00"),
    contract_months=12,
    campaign=Campaign("Kampanja", promo_months=3, promo_price=D("0"), ends_in_days=30),
)
_fiber1000 = Facts(monthly_price=D("59.90"), activation_fee=D("0"), contract_months=12)
_puhe_rajaton = Facts(
    monthly_price=D("29.90"), activation_fee=D("0"), contract_months=12, delivery_fee=D("0")
)
_puhe_50 = Facts(
    monthly_price=D("19.90"),
    activation_fee=D("0"),
    contract_months=None,
    delivery_fee=D("0"),
    # SEEDED stale_offer: the autumn campaign ended two weeks ago but is still shown
    # (on desktop and on mobile alike).
    campaign=Campaign("Syystarjous", promo_months=6, promo_price=D("9.90"), ends_in_days=-14),
)
_puhe10 = Facts(
    monthly_price=D("12.90"), activation_fee=D("0"), contract_months=24, delivery_fee=D("0")
)


OFFERS: tuple[Offer, ...] = (
    Offer(
        id="mbb-100",
        name="Mobiililaajakaista 100M",
        category="mobiililaajakaista",
        desktop_slug="mobiililaajakaista-100m",
        mobile_slug="mbb100",
        speed="100 Mbit/s",
        lead="Riittävän nopea netti sähköpostiin, uutisiin ja suoratoistoon yhdelle tai kahdelle.",
        features=(
            "Hintaan sisältyy 5G-modeemi, jonka saat käyttöösi sopimuksen ajaksi",
            "Rajaton datankäyttö Suomessa",
            "Toimii 4G- ja 5G-verkossa",
        ),
        desktop=_mbb100,
        # SEEDED hidden_fee: neither web channel says anything about an activation fee ...
        mobile=_mbb100,
        # ... but the chat agent reveals "avausmaksu on 4,90 €" (the seed story).
        chat=replace(_mbb100, activation_fee=D("4.90"), delivery_fee=None),
        layout="prose",
        jsonld=True,
    ),
    Offer(
        id="mbb-300",
        name="Mobiililaajakaista 300M",
        category="mobiililaajakaista",
        desktop_slug="mobiililaajakaista-300m",
        mobile_slug="mbb300",
        speed="300 Mbit/s",
        lead="Etätyöhön ja koko perheen suoratoistoon – nopea 5G-yhteys ilman kaapeleita.",
        features=(
            "Hintaan sisältyy 5G-modeemi, jonka saat käyttöösi sopimuksen ajaksi",
            "Rajaton datankäyttö Suomessa",
            "Wi-Fi 6 -tukiasema",
        ),
        desktop=_mbb300,
        # SEEDED price_mismatch: the mobile site still has the old 32,90 €/kk price.
        mobile=replace(_mbb300, monthly_price=D("32.90")),
        chat=None,
        layout="table",
        js_pricebox=True,
        mobile_jsonld=True,
    ),
    Offer(
        id="mbb-1000",
        name="Mobiililaajakaista 1000M",
        category="mobiililaajakaista",
        desktop_slug="mobiililaajakaista-1000m",
        mobile_slug="mbb1000",
        speed="1000 Mbit/s",
        lead="Nopein langaton nettimme: pelaamiseen, isoihin tiedostoihin ja moneen laitteeseen.",
        features=(
            "Hintaan sisältyy 5G-modeemi, jonka saat käyttöösi sopimuksen ajaksi",
            "Rajaton datankäyttö Suomessa",
            "Ulkoantenni saatavilla lisävarusteena",
        ),
        desktop=_mbb1000,
        mobile=_mbb1000,  # consistent everywhere
        chat=replace(_mbb1000, delivery_fee=None),
        layout="dl",
        jsonld=True,
        js_pricebox=True,
    ),
    Offer(
        id="fiber-100",
        name="Kuitu 100M",
        category="kuitu",
        desktop_slug="kuitu-100m",
        mobile_slug="kuitu100",
        speed="100 Mbit/s",
        lead="Vakaa kuituyhteys kerrostaloasuntoon edulliseen kuukausihintaan.",
        features=(
            "Symmetrinen yhteys: lataus ja lähetys 100 Mbit/s",
            "Kuitumodeemi ja kytkentä taloyhtiön verkkoon",
            "Ei datakattoa",
        ),
        desktop=_fiber100,
        # The mobile site prints the same 29,00 € fee in plain sight (contrast for fine_print).
        mobile=replace(_fiber100, fee_placement="visible"),
        chat=None,
        layout="table",
        jsonld=True,
    ),
    Offer(
        id="fiber-300",
        name="Kuitu 300M",
        category="kuitu",
        desktop_slug="kuitu-300m",
        mobile_slug="kuitu300",
        speed="300 Mbit/s",
        lead="Nopea kuituyhteys etätyöhön, pelaamiseen ja koko perheen suoratoistoon.",
        features=(
            "Symmetrinen yhteys: lataus ja lähetys 300 Mbit/s",
            "Kuitumodeemi ja kytkentä taloyhtiön verkkoon",
            "Ei datakattoa",
        ),
        desktop=_fiber300,
        # SEEDED missing_offer: the mobile site never got the campaign.
        mobile=replace(_fiber300, campaign=None),
        chat=None,
        layout="table",
        jsonld=True,
    ),
    Offer(
        id="fiber-1000",
        name="Kuitu 1000M",
        category="kuitu",
        desktop_slug="kuitu-1000m",
        mobile_slug="kuitu1000",
        speed="1000 Mbit/s",
        lead="Gigabitin kuitu vaativaan käyttöön: pelit, 4K-suoratoisto ja iso perhe yhtä aikaa.",
        features=(
            "Symmetrinen yhteys: lataus ja lähetys 1000 Mbit/s",
            "Wi-Fi 6 -kuitumodeemi",
            "Ei datakattoa",
        ),
        desktop=_fiber1000,
        mobile=_fiber1000,  # consistent everywhere
        chat=_fiber1000,
        layout="prose",
        jsonld=True,
        mobile_jsonld=True,
    ),
    Offer(
        id="puhe-5g-rajaton",
        name="Puhe 5G Rajaton",
        category="puhe",
        desktop_slug="puhe-5g-rajaton",
        mobile_slug="puhe5grajaton",
        speed="1000 Mbit/s",
        data_allowance="Rajaton",
        lead="Rajaton 5G-data, puhelut ja viestit – kaikki yhdellä kuukausihinnalla.",
        features=(
            "Rajaton data Suomessa, nopeus jopa 1000 Mbit/s",
            "Rajattomat puhelut ja tekstiviestit Suomessa",
            "EU/ETA-roaming sisältyy",
        ),
        desktop=_puhe_rajaton,
        mobile=_puhe_rajaton,
        # SEEDED contract_mismatch: the chat agent sells it as a 24 kk contract (web: 12 kk).
        chat=replace(_puhe_rajaton, contract_months=24, activation_fee=None, delivery_fee=None),
        layout="dl",
        js_pricebox=True,
    ),
    Offer(
        id="puhe-5g-50",
        name="Puhe 5G 50 Gt",
        category="puhe",
        desktop_slug="puhe-5g-50-gt",
        mobile_slug="puhe5g50",
        speed="600 Mbit/s",
        data_allowance="50 Gt",
        lead="Reilusti dataa 5G-nopeudella arkikäyttöön.",
        features=(
            "50 Gt dataa kuukaudessa, nopeus jopa 600 Mbit/s",
            "Rajattomat puhelut ja tekstiviestit Suomessa",
            "EU/ETA-roaming sisältyy",
        ),
        desktop=_puhe_50,
        mobile=_puhe_50,  # SEEDED stale_offer: the expired campaign is on mobile too
        chat=None,
        layout="table",
        jsonld=True,
    ),
    Offer(
        id="puhe-10",
        name="Puhe 10 Gt",
        category="puhe",
        desktop_slug="puhe-10-gt",
        mobile_slug="puhe10",
        speed="150 Mbit/s",
        data_allowance="10 Gt",
        lead="Edullinen perusliittymä puheluihin, viesteihin ja kevyeen nettiin.",
        features=(
            "10 Gt dataa kuukaudessa 4G-verkossa, nopeus jopa 150 Mbit/s",
            "Rajattomat puhelut ja tekstiviestit Suomessa",
            "Sopii hyvin lapsen ensimmäiseksi liittymäksi",
        ),
        desktop=_puhe10,
        mobile=_puhe10,  # consistent everywhere
        chat=_puhe10,  # "Avausmaksua ei ole, ja toimitus on ilmainen."
        layout="prose",
        jsonld=True,
        js_pricebox=True,
    ),
)

#: Offers every channel states identically; the audit must not flag them.
CONSISTENT_OFFERS: tuple[str, ...] = ("mbb-1000", "fiber-1000", "puhe-10")

BY_ID: dict[str, Offer] = {o.id: o for o in OFFERS}
BY_DESKTOP_SLUG: dict[str, Offer] = {o.desktop_slug: o for o in OFFERS}
BY_MOBILE_SLUG: dict[str, Offer] = {o.mobile_slug: o for o in OFFERS}


def offers_in(category: str) -> list[Offer]:
    return [o for o in OFFERS if o.category == category]


def category(category_id: str) -> Category:
    return next(c for c in CATEGORIES if c.id == category_id)


@dataclass(frozen=True)
class Brand:
    name: str = "Nordtel"
    legal_name: str = "Nordtel Oy"
    color: str = "#0050B4"  # current Nordtel blue
    logo: str = "img/nordtel-logo.png"


#: What each channel uses for branding.
BRAND_DESKTOP = Brand()
# SEEDED logo_drift + color_drift: the mobile site still has the 2019 logo and orange.
BRAND_MOBILE = replace(Brand(), color="#E4572E", logo="img/nordtel-logo-2019.png")
# SEEDED brand_name: one chat agent writes "Nortelin" (transcript nordtel-chat-0003).
CHAT_BRAND_MISSPELLING = "Nortel"

#: Names the chat transcripts use for each offer besides its full name (agents and customers
#: alike, often inflected: "Kuitu 1000:aa", "Puhe 10 Gt:llä"). Mirrored in audit.yaml.
CHAT_ALIASES: dict[str, tuple[str, ...]] = {
    "mbb-100": ("100M mokkula",),
    "mbb-1000": ("Mobiililaajakaista 1000", "gigan mokkula"),
    "fiber-1000": ("Kuitu 1000", "1000 megan kuitu"),
    "puhe-5g-rajaton": ("5G Rajaton", "rajaton 5G"),
    "puhe-10": (),
}
