"""A sanctioned person hidden behind an intermediary.

The sanctioned name is never hard-coded: it comes from a UN Security Council consolidated list
XML file (an Al-Qaida/ISIL extract is shipped in ``data/un_extract.xml``; ``--sanctions-list``
points to another one). The sanctioned person holds no account; an intermediary (a real resident
of the scenario) collects donations and passes money on, and the sanctioned person's phone is
the intermediary's wallet number: the link an analyst has to find.

>>> names = load_un_individuals(None)
>>> len(names) >= 20
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from moneytrail.errors import BadInputError, Problem
from moneytrail.synth.config import data_path
from moneytrail.synth.typologies.base import InstanceBuilder, TypologyContext


@dataclass(frozen=True)
class ListedPerson:
    """One INDIVIDUAL entry of a UN consolidated list."""

    reference: str
    name: str
    aliases: tuple[str, ...]
    nationality: str | None
    birth_year: int | None


def load_un_individuals(path: Path | None) -> list[ListedPerson]:
    """The INDIVIDUAL entries of a UN consolidated XML list (default: the shipped extract)."""
    source = path or data_path("un_extract.xml")
    try:
        root = etree.parse(str(source), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError) as exc:
        problem = Problem(str(source), "synth_sanctions_unreadable", params={"detail": str(exc)})
        raise BadInputError("error.file_refused", problems=[problem], file=str(source)) from exc
    people = []
    for node in root.iter("INDIVIDUAL"):
        parts = [
            node.findtext(tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        ]
        name = " ".join(p.strip() for p in parts if p and p.strip())
        aliases = tuple(
            text.strip()
            for alias in node.findall("INDIVIDUAL_ALIAS")
            if (text := alias.findtext("ALIAS_NAME") or "").strip()
        )
        year = node.findtext("INDIVIDUAL_DATE_OF_BIRTH/YEAR")
        people.append(
            ListedPerson(
                reference=node.findtext("REFERENCE_NUMBER") or "",
                name=name,
                aliases=aliases,
                nationality=node.findtext("NATIONALITY/VALUE"),
                birth_year=int(year) if year and year.isdigit() else None,
            )
        )
    if not people:
        problem = Problem(str(source), "synth_sanctions_empty")
        raise BadInputError("error.file_refused", problems=[problem], file=str(source))
    return people


def sanctioned_proxy(ctx: TypologyContext, b: InstanceBuilder) -> None:
    """Donors -> intermediary wallet -> onward transfers abroad; the intermediary fronts for a
    listed person who shares its phone number."""
    listed = load_un_individuals(ctx.config.sanctions_list)
    person = listed[int(ctx.rng.integers(len(listed)))]
    intermediary = ctx.one("person_wallet")
    phone = ctx.pop.accounts[intermediary]["number"]
    birth = date(person.birth_year, 1, 1) if person.birth_year else None
    party = ctx.pop.add_party(
        "person",
        person.name,
        None,
        aliases=list(person.aliases),
        birth_date=birth,
        nationality=person.nationality,
    )
    ctx.pop.add_identifier(party, "phone", phone)
    ctx.pop.add_identifier(party, "other", f"UN:{person.reference}")
    b.party(ctx, party, "sanctioned")
    ts = ctx.start(60)
    received = 0
    for donor in ctx.pick("person_wallet", int(ctx.rng.integers(3, 9)), exclude=(intermediary,)):
        amount = ctx.amount(300_000)
        received += amount
        ts = b.tx(
            ctx,
            ts + ctx.gap(),
            donor,
            intermediary,
            amount,
            role="donation",
            roles=("donor", "intermediary"),
        )
    outward = ctx.one("foreign_business_ext")
    b.tx(
        ctx,
        ts + ctx.gap(),
        intermediary,
        outward,
        received * 8 // 10 // 5000 * 5000,
        role="onward_transfer",
        roles=("intermediary", "beneficiary_abroad"),
    )
    b.parameters.update(un_reference=person.reference, listed_name=person.name, shared_phone=phone)
