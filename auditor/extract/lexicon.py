"""The vocabulary of every language Omniaudit reads, loaded from data files.

Each language is one YAML file in ``auditor/extract/lexicons/`` (``fi.yaml``, ``sv.yaml``,
``nb.yaml`` …): the words that label prices and fees, name periods and contract terms,
announce campaigns, state VAT, mark a price as the former one, and — for chats — name the
speakers' roles. Adding a language is adding a file; no code changes. The extractor merges
every file's fragments into one pattern per job, so a page that mixes languages is read by
the same code.

Fragments are case-insensitive regular expressions (Python ``re`` syntax). They run on
untrusted text of any size, so keep them free of unbounded nested repetition. A file that
names an unknown field, or holds a fragment that does not compile, fails at import with
the file, the field and the fragment, never at the first page that needs it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

__all__ = ["LEXICON_DIR", "Lexicon", "LexiconError", "load_lexicons"]

#: Where the language files live.
LEXICON_DIR = Path(__file__).with_name("lexicons")

_FEES = ("activation_fee", "delivery_fee", "cancellation_fee")
_ROLES = ("agent", "bot", "customer", "system")


class LexiconError(ValueError):
    """A language file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True)
class Lexicon:
    """The words of one language that the extractor understands (docs/extraction.md).

    Every field is a tuple of regex alternatives (fee fields map an attribute to them).
    """

    #: BCP 47 code (``fi``, ``nb``); also the language dateparser and babel read dates in.
    code: str
    #: The language's English name, for messages and docs.
    name: str = ""
    #: Labels naming a fee right before (or, for fees, right after) its amount.
    fee_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Short nouns for a fee after a "free" word: "free *activation*", "ilmainen *toimitus*".
    fee_nouns: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Single words that mean "without this fee": "avausmaksuton".
    fee_free_forms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    monthly_labels: tuple[str, ...] = ()
    price_labels: tuple[str, ...] = ()
    free_words: tuple[str, ...] = ()
    #: Before a fee, up to three words away: "*ei* avausmaksua", "*eikä* siinä ole avausmaksua".
    negations: tuple[str, ...] = ()
    #: Words that undo a negation: "ei *sisällä* avausmaksua" means the fee is extra.
    include_words: tuple[str, ...] = ()
    #: After a fee, saying it is not charged: "avausmaksua *ei ole*", "setup fee *is waived*".
    fee_absent_after: tuple[str, ...] = ()
    #: Units after a count of months: "3 *kk*", "24 *months*".
    month_units: tuple[str, ...] = ()
    year_units: tuple[str, ...] = ()
    #: After "/" following an amount: "€/*kk*", "/*mo*", "/*mån*".
    per_month_slash: tuple[str, ...] = ()
    per_year_slash: tuple[str, ...] = ()
    #: Words joining an amount to a period noun: "*per* month", "*a* month".
    per_words: tuple[str, ...] = ()
    month_nouns: tuple[str, ...] = ()
    year_nouns: tuple[str, ...] = ()
    #: Words after an amount that are a period on their own: "*kuukaudessa*", "*monthly*".
    monthly_words: tuple[str, ...] = ()
    yearly_words: tuple[str, ...] = ()
    #: Per-use prices ("0,84 €/min"): still a price, but neither monthly nor one-off.
    per_unit_slash: tuple[str, ...] = ()
    from_before: tuple[str, ...] = ()
    from_after: tuple[str, ...] = ()
    #: Before a former or list price: "*norm.* 29,90", "*UVP* 279 €", "*ord. pris* 349 kr",
    #: "*was* £35". Such an amount is a ``list_price``, never the price paid.
    list_price_before: tuple[str, ...] = ()
    #: Before a count of months in a campaign: "*ensimmäiset* 3 kk", "*first* 3 months".
    promo_first: tuple[str, ...] = ()
    #: After the count, where the language puts it there: "de 3 *første* månedene",
    #: "3 *ensimmäistä* kuukautta" (a short word such as "de" may come before the count).
    promo_first_after: tuple[str, ...] = ()
    #: Between the months and the campaign amount: "3 kk *hintaan* 0 €".
    promo_connectors: tuple[str, ...] = ()
    #: Before a duration after the amount: "9,90 €/kk *for* 3 months", "*i* 6 mån".
    promo_for_before: tuple[str, ...] = ()
    #: After a duration after the amount: "0 €/kk 3 kk *ajan*".
    promo_for_after: tuple[str, ...] = ()
    #: "*Tous nos* abonnements", "*all our* plans": a statement about every offer of a kind
    #: is channel-wide, not about the page's own offer.
    all_words: tuple[str, ...] = ()
    #: "avec *un* abonnement", "with *a* plan": a price after "with a …" is the price of
    #: something generic sold alongside, not of the offer on the page.
    indefinite_articles: tuple[str, ...] = ()
    #: "Free shipping on orders of $50 or more; *otherwise* $5.99": the fee when the free
    #: case does not apply.
    otherwise_words: tuple[str, ...] = ()
    #: The generic word for a fee ("a $25 restocking *fee*", "Bearbeitungs*gebühr*"): an
    #: amount it names is a fee of some kind, never the offer's price.
    fee_words: tuple[str, ...] = ()
    #: Words that deny what follows: "n'est *pas* sans engagement", "*not* rolling monthly".
    not_words: tuple[str, ...] = ()
    contract_words: tuple[str, ...] = ()
    #: Between a contract word and its months: "sopimuksen *kesto on* 24 kk", "*är* 24 mån".
    contract_fillers: tuple[str, ...] = ()
    #: Words of ending a contract ("Kündigung", "cancel", "résiliation"): an end date in a
    #: sentence with one ("geht Ihre Kündigung bis 30.11. ein") is a notice date, not the end
    #: of a campaign — unless the sentence names a campaign too.
    cancel_words: tuple[str, ...] = ()
    #: Before a quantity a customer may choose instead ("*Velger du* 12 mnd binding blir
    #: prisen …", "*if you choose* 24 months"): the sentence states an option, and neither
    #: its terms nor its prices are the offer's own.
    choice_before: tuple[str, ...] = ()
    #: Before a duration, a price guarantee ("*Prix bloqué* 2 ans", "*price locked for* 24
    #: months", "*Preisgarantie* 24 Monate"): ``price_lock_months``, not a contract term.
    price_lock_before: tuple[str, ...] = ()
    #: After a duration, a price guarantee ("12-month *price lock*", "24 Monate
    #: *Preisgarantie*").
    price_lock_after: tuple[str, ...] = ()
    #: Between the months and a contract word: "24 kk *mittainen* sopimus".
    contract_adjectives: tuple[str, ...] = ()
    open_ended: tuple[str, ...] = ()
    #: The payments of an instalment plan after their count: "24 *monthly payments* of
    #: $15.41", "36 *Monatsraten*": the count is the plan's term in months.
    instalments: tuple[str, ...] = ()
    #: Words that name a campaign: "kampanja", "Syystarjous", "erbjudande", "deal". A
    #: campaign is stated only with a price, a duration or an end date in the same unit.
    offer_words: tuple[str, ...] = ()
    #: Verbs after which an offer word means a quote: "*lähetin* tarjouksen", "*send* an offer".
    quote_verbs: tuple[str, ...] = ()
    #: Verbs of a call to action: an offer word right after one is a button or a link ("*Se*
    #: erbjudandet", "*Katso* tarjous", "*Zum* Angebot"), never a campaign.
    cta_verbs: tuple[str, ...] = ()
    #: Between the two ends of a price range ("From 26 *to* 50 €", "19 *bis* 29 €"): the
    #: first end is a from-price in the second end's currency.
    range_words: tuple[str, ...] = ()
    #: Before the price that follows a campaign: "3 kk 0 €/kk, *sitten* 29,90 €/kk",
    #: "*därefter* 279 kr/mån". The other monthly price of the offer on that page is the
    #: campaign's, even when a page prints the two in separate elements.
    then_words: tuple[str, ...] = ()
    #: After a percentage, making it a campaign: "30 % *alennus*", "20% *off*". After an
    #: amount they make it a reduction rather than a price: "5 € *alennus*", "€5 *off*".
    discount_words: tuple[str, ...] = ()
    #: Before an amount that is a saving, not a price: "*säästä* 60 €", "*save* €60".
    saving_words: tuple[str, ...] = ()
    #: Before an amount that is a change of price, not a price: "goes up by £3",
    #: "höjs med 20 kr", "steigt um 2 €".
    change_before: tuple[str, ...] = ()
    #: After an amount that is a difference, not a price: "£10 *more*", "5 € *lisää*",
    #: "upgrade for 50 kr *extra*".
    extra_words: tuple[str, ...] = ()
    #: Before an amount that is a threshold or a basket total, not a price: "free delivery on
    #: *orders over* £50", "*tilauksiin yli* 50 €", "*Noch* 20,01 € bis …", "*Varukorg* 0 kr".
    not_price_before: tuple[str, ...] = ()
    #: After an amount that is a total of several things, not one offer's price: "678 kr/mån
    #: *totalt*", "£80 *in total*". An amount after "=" is a sum too.
    not_price_after: tuple[str, ...] = ()
    #: Before an unnamed amount added on top of a price stated earlier in the sentence: "9,99 €
    #: mtl. *zzgl.* 19,99 € einmalig", "$30/mo *plus* $10 one-time". Which charge it is cannot
    #: be told, so it is neither the offer's price nor a fee the audit compares.
    addend_before: tuple[str, ...] = ()
    #: Opens a clause that says whom its amount is for, after an earlier amount of the same
    #: sentence: "19,99 € Anschlusspreis, *bei* Smartphone-Bundles 39,99 €". The amount takes
    #: the earlier amount's fee label, and belongs to what the clause names (auditor.matching).
    scope_words: tuple[str, ...] = ()
    vat_included: tuple[str, ...] = ()
    #: Matched before ``vat_included`` so that "ei sis. alv" is not read as "sis. alv".
    vat_excluded_first: tuple[str, ...] = ()
    vat_excluded: tuple[str, ...] = ()
    #: Words before an end date: "voimassa 31.12.", "valid until".
    ends_before: tuple[str, ...] = ()
    #: Words after an end date: "31.12. *asti*".
    ends_after: tuple[str, ...] = ()
    speed_words: tuple[str, ...] = ()
    #: Words that make a chat claim about several offers at once: "*both* have …",
    #: "*kummassakin* on …", "*båda* har …" (auditor.matching gives the claim to each).
    several_words: tuple[str, ...] = ()
    #: Joins two offer names into one subject of a claim: "Kuitu 100 *ja* Kuitu 300 …".
    and_words: tuple[str, ...] = ()
    #: Before an offer name that is part of another offer: "iPhone 16 *mit* Mobil M für
    #: 42,99 € mtl." — the price is the bundle's, the phone's, not the tariff's.
    with_words: tuple[str, ...] = ()
    #: Chat speaker words and author types → role (agent, bot, customer, system). Plain
    #: words, not patterns; compared case-insensitively with the whole speaker word.
    role_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Fragments of the system lines chat exports write ("end-to-end encrypted",
    #: "<Media omitted>"); plain lower-case text, not patterns.
    chat_system_lines: tuple[str, ...] = ()
    #: Currency words this language writes after amounts, beyond ISO codes and symbols
    #: ("euroa", "kronor", "bucks"), mapped to ISO 4217 codes.
    currency_words: Mapping[str, str] = field(default_factory=dict)
    #: ISO 3166 countries whose national phone notation this language's chats use; phone
    #: numbers are found with the phonenumbers library in each ("040 123 4567" is Finnish).
    phone_regions: tuple[str, ...] = ()
    #: Labels of cookie-consent "accept all" buttons and links ("Godkänn alla"), and shorter
    #: accept labels clicked only on buttons ("Godkänn"): auditor.capture.consent.
    consent_accept_all: tuple[str, ...] = ()
    consent_accept: tuple[str, ...] = ()
    #: Numbers as words, for amounts a chat writes out ("twenty bucks", "kaksikymmentä
    #: euroa"): word → value; ``"x100"`` multiplies, ``"+0"`` joins. Compound words
    #: ("tjugonio", "neunundzwanzig") are split into these greedily.
    number_words: Mapping[str, str] = field(default_factory=dict)


_MAPPING_FIELDS = {"fee_labels", "fee_nouns", "fee_free_forms", "role_words",
                   "currency_words", "number_words"}
_PLAIN_FIELDS = {"code", "name", "role_words", "chat_system_lines", "currency_words",
                 "phone_regions", "consent_accept_all", "consent_accept"}


def _parse(path: Path, data: Any) -> Lexicon:
    if not isinstance(data, Mapping):
        raise LexiconError(f"{path}: expected a mapping of lexicon fields")
    known = {f.name for f in dataclasses.fields(Lexicon)}
    values: dict[str, Any] = {"code": str(data.get("code") or path.stem)}
    for key, raw in data.items():
        if key not in known:
            near = ", ".join(sorted(known))
            raise LexiconError(f"{path}: unknown field {key!r}; expected one of: {near}")
        if key in ("code", "name"):
            values[key] = str(raw)
            continue
        if key in _MAPPING_FIELDS:
            if not isinstance(raw, Mapping):
                raise LexiconError(f"{path}: {key} must map names to lists")
            allowed = _FEES if key.startswith("fee") else _ROLES if key == "role_words" else None
            out: dict[str, Any] = {}
            for k, v in raw.items():
                if allowed and k not in allowed:
                    raise LexiconError(f"{path}: {key}.{k}: expected one of {', '.join(allowed)}")
                if key == "currency_words":
                    out[str(k).lower()] = str(v).upper()
                    continue
                if key == "number_words":
                    if not re.fullmatch(r"x?[0-9]+|\+0", str(v)):
                        raise LexiconError(f"{path}: number_words.{k}: {v!r} is not a number, "
                                           f"x<multiplier> or +0")
                    out[str(k).lower()] = str(v)
                    continue
                out[str(k)] = _fragments(path, f"{key}.{k}", v, key in _PLAIN_FIELDS)
            values[key] = out
        else:
            values[key] = _fragments(path, key, raw, key in _PLAIN_FIELDS)
    return Lexicon(**values)


def _fragments(path: Path, key: str, raw: Any, plain: bool) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise LexiconError(f"{path}: {key} must be a list of strings")
    if not plain:
        for frag in raw:
            try:
                re.compile(frag, re.IGNORECASE)
            except re.error as e:
                raise LexiconError(f"{path}: {key}: fragment {frag!r} is not a valid "
                                   f"regular expression ({e})") from None
    return tuple(raw)


@cache
def load_lexicons(folder: Path = LEXICON_DIR) -> dict[str, Lexicon]:
    """Every language file in ``folder``, by code, in the files' ``priority`` order.

    The order only decides which language dateparser tries first for written-out dates.
    """
    found: list[tuple[int, str, Lexicon]] = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            raise LexiconError(f"{path}: not valid YAML: {e}") from None
        priority = data.pop("priority", 100) if isinstance(data, dict) else 100
        lex = _parse(path, data)
        found.append((int(priority), lex.code, lex))
    if not found:
        raise LexiconError(f"no language files (*.yaml) in {folder}")
    return {code: lex for _, code, lex in sorted(found)}
