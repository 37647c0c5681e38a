"""Grade a trainee's answer against the key: precision and recall per item, a mark out of 20.

Items and weights (the mark is the weighted sum of each item's F1, times 20; weights are data so
a trainer can change them):

========================  ======  =====================================================
item                      weight  a hit is
========================  ======  =====================================================
accounts                  0.25    the same account number after normalisation
parties                   0.20    the same name after folding case, accents, word order
typologies                0.20    the same typology id
endpoints (amounts)       0.25    right account; credit = 1 - relative error beyond
                                  tolerance, so a nearly right amount still earns most
sanctioned_links          0.10    the same listed party
========================  ======  =====================================================

The French school scale (out of 20) is the one trainees of the region know. An item the key does
not ask for (empty in the key) is left out and the other weights are rescaled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from normality import ascii_text

from moneytrail.i18n import translate
from moneytrail.model.identifiers import IdentifierError, normalise_iban, normalise_msisdn
from moneytrail.training.answers import Answer, AnswerKey

WEIGHTS: dict[str, float] = {
    "accounts": 0.25,
    "parties": 0.20,
    "typologies": 0.20,
    "endpoints": 0.25,
    "sanctioned_links": 0.10,
}


@dataclass
class ItemScore:
    """Precision/recall of one item, with what was missed and what was wrong."""

    item: str
    expected: int
    given: int
    hits: float
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of the trainee's items that are right (1.0 when nothing was given)."""
        return self.hits / self.given if self.given else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        """Share of the key's items that the trainee found."""
        return self.hits / self.expected if self.expected else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Grade:
    """The whole result: per-item scores and the mark out of 20."""

    exercise_id: str
    trainee: str | None
    items: list[ItemScore]
    mark: float

    def report(self, lang: str = "fr") -> str:
        """A feedback text for the trainee, in French or English."""
        t = translate
        lines = [
            t("training.report_title", lang, exercise=self.exercise_id, mark=f"{self.mark:.1f}")
        ]
        if self.trainee:
            lines.append(t("training.report_trainee", lang, trainee=self.trainee))
        for item in self.items:
            if not item.expected and not item.given:
                continue  # not asked by this exercise
            lines.append(
                t(
                    "training.report_item",
                    lang,
                    item=t(f"training.item_{item.item}", lang),
                    precision=f"{item.precision:.0%}",
                    recall=f"{item.recall:.0%}",
                    hits=f"{item.hits:.2f}".rstrip("0").rstrip("."),
                    expected=item.expected,
                )
            )
            for missed in item.missed:
                lines.append("  - " + t("training.report_missed", lang, value=missed))
            for wrong in item.wrong:
                lines.append("  - " + t("training.report_wrong", lang, value=wrong))
        return "\n".join(lines)


def normalise_account(text: str) -> str:
    """Comparable form of an account number: E.164 phone, compact IBAN, or compact upper case."""
    raw = text.strip()
    compact = "".join(raw.split()).upper()
    for attempt in (normalise_iban, normalise_msisdn):
        try:
            return attempt(raw)
        except IdentifierError:
            continue
    return compact


def normalise_name(text: str) -> str:
    """Comparable form of a name: ASCII, lower case, words sorted ("TRAORE Aïssata")."""
    words = ascii_text(text).lower().replace("-", " ").split()
    return " ".join(sorted(w for w in words if w))


def _match(
    item: str,
    expected: Iterable[str],
    given: Iterable[str],
    norm: Callable[[str], str],
    aliases: dict[str, list[str]] | None = None,
) -> ItemScore:
    wanted: dict[str, str] = {}
    for value in expected:
        wanted[norm(value)] = value
        for alias in (aliases or {}).get(value, []):
            wanted[norm(alias)] = value
    found: set[str] = set()
    wrong = []
    given_list = list(dict.fromkeys(given))
    for value in given_list:
        target = wanted.get(norm(value))
        if target is None:
            wrong.append(value)
        else:
            found.add(target)
    expected_list = list(dict.fromkeys(expected))
    missed = [v for v in expected_list if v not in found]
    return ItemScore(item, len(expected_list), len(given_list), float(len(found)), missed, wrong)


def _endpoints(key: AnswerKey, answer: Answer) -> ItemScore:
    wanted = {normalise_account(e.account): e for e in key.endpoints}
    hits = 0.0
    wrong, seen = [], set()
    for given in answer.endpoints:
        norm = normalise_account(given.account)
        target = wanted.get(norm)
        if target is None or norm in seen:
            wrong.append(f"{given.account} ({given.amount})")
            continue
        seen.add(norm)
        error = abs(given.amount - target.amount) / target.amount if target.amount else Decimal(0)
        credit = 1.0 if error <= key.tolerance else max(0.0, 1.0 - float(error))
        hits += credit
        if credit < 1.0:
            wrong.append(f"{given.account}: {given.amount} ≠ {target.amount} {key.currency}")
    missed = [
        f"{e.account} ({e.amount} {key.currency})" for n, e in wanted.items() if n not in seen
    ]
    return ItemScore("endpoints", len(wanted), len(answer.endpoints), hits, missed, wrong)


def grade(key: AnswerKey, answer: Answer) -> Grade:
    """Score ``answer`` against ``key``."""
    items = [
        _match("accounts", key.accounts, answer.accounts, normalise_account),
        _match("parties", key.parties, answer.parties, normalise_name, key.aliases),
        _match("typologies", key.typologies, answer.typologies, lambda s: s.strip().lower()),
        _endpoints(key, answer),
        _match(
            "sanctioned_links",
            [s.party for s in key.sanctioned_links],
            [s.party for s in answer.sanctioned_links],
            normalise_name,
            key.aliases,
        ),
    ]
    asked = [i for i in items if i.expected]
    total_weight = sum(WEIGHTS[i.item] for i in asked)
    score = sum(WEIGHTS[i.item] * i.f1 for i in asked) / total_weight if total_weight else 0.0
    return Grade(key.exercise_id, answer.trainee, items, round(20 * score, 2))
