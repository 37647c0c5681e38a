"""A ransom that leaves the banks: mobile money, agents, hawala and a courier, with the truth.

Why: to measure how much of a ransom a trace brings to its *final* endpoints with and without
the cash and hawala sources (docs/evaluation.md, "Cash and hawala"). The family pays the ransom
by mobile money in pieces of at most 2,000,000 XOF to six collector wallets; two collectors
cash out at agents; four send their share by mobile money to a hawaladar in Gao, whose ledger
books each transfer as a pay-in for a beneficiary paid out in cash by his counterpart in
Niamey (2 % commission, 2-12 h later, 30 % of codes missing); the first collector also crosses
into Niger with cash and declares it. Background: ordinary transfers and hawala customers.

The final endpoints are the agents' wallets (cash-outs) and the beneficiaries' cash accounts;
the courier's crossing is written for the exercises, but a trace cannot reach it (nothing in
the data says that the cash taken out at the agent is the cash declared: decision 0134).

>>> RANSOM_PIECE
2000000
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np

from moneytrail.cash import keys
from moneytrail.model.ids import natural_key
from moneytrail.synth.cash_sources import (
    DECLARATIONS,
    HAWALADARS,
    MOBILE_MONEY,
    START,
    LedgerLeg,
    assemble,
    counterpart,
    ledger_legs,
    ledger_row,
    write_csv,
)

RANSOM_PIECE = 2_000_000


@dataclass
class RansomTruth:
    """What a trace of the ransom should find: the ransom, the transfers that paid it (their
    operator ids) and the amount that ended on each final endpoint (account id)."""

    ransom: int
    ransom_ext_ids: list[str]
    endpoints: dict[str, Decimal] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)


def _pieces(total: int) -> list[int]:
    count = -(-total // RANSOM_PIECE)
    base = total // count // 5000 * 5000
    return [base] * (count - 1) + [total - base * (count - 1)]


def ransom_sources(folder: Path, seed: int = 7, code_drop: float = 0.3) -> RansomTruth:
    """Write ``mobile_money.csv``, two ledgers and ``declarations.csv`` under ``folder``."""
    rng = np.random.default_rng(seed)
    ransom = int(rng.integers(30, 81)) * 1_000_000
    payer = ("+22376500000", "Famille Diarra")
    collectors = [(f"+2236550{k:04d}", f"Collecteur {k}") for k in range(6)]
    agents = [(f"+2237700{k:04d}", f"Agent {k}") for k in range(3)]
    truth = RansomTruth(ransom, [])
    mm: list[list[str]] = []
    shares = [int(x) // 5000 * 5000 for x in rng.dirichlet([3.0] * 6) * ransom]
    shares[-1] += ransom - sum(shares)
    ts = START + timedelta(days=10)
    for (phone, name), share in zip(collectors, shares, strict=True):
        for piece in _pieces(share):
            ts += timedelta(minutes=int(rng.integers(5, 60)))
            ext = f"RANSOM{len(truth.ransom_ext_ids):04d}"
            truth.ransom_ext_ids.append(ext)
            mm.append(_mm(ts, ext, "Transfert", payer, (phone, name), piece))
    wallet_a = HAWALADARS[0][2]
    legs: list[LedgerLeg] = ledger_legs(rng, 150, 0.3, 30)
    beneficiaries = [(f"+2279660{k:04d}", f"Bénéficiaire {k}") for k in range(3)]
    for k, ((phone, name), share) in enumerate(zip(collectors, shares, strict=True)):
        later = ts + timedelta(hours=int(rng.integers(2, 48)))
        for n, piece in enumerate(_pieces(share)):
            when = later + timedelta(minutes=10 * n)
            if k < 2:
                agent = agents[int(rng.integers(len(agents)))]
                mm.append(_mm(when, f"CO{k}{n:03d}", "Retrait", (phone, name), agent, piece))
                aid = natural_key("account", "mobile_money", "", agent[0])
                truth.endpoints[aid] = truth.endpoints.get(aid, Decimal(0)) + piece
                continue
            mm.append(
                _mm(
                    when,
                    f"HW{k}{n:03d}",
                    "Transfert",
                    (phone, name),
                    (wallet_a, "Hawala Gao"),
                    piece,
                )
            )
            legs += _hawala_pair(
                rng, when, phone, name, beneficiaries, piece, code_drop, truth, len(legs)
            )
    ledgers = assemble(legs, {0: wallet_a})
    truth.files["mobile_money"] = write_csv(folder / "mobile_money.csv", MOBILE_MONEY, mm)
    for path in ledgers.write(folder):
        truth.files[path.stem] = path
    truth.files["declarations"] = _declarations(folder, collectors[0], shares[0], later)
    return truth


def _hawala_pair(
    rng: np.random.Generator,
    when: object,
    phone: str,
    name: str,
    beneficiaries: list[tuple[str, str]],
    piece: int,
    code_drop: float,
    truth: RansomTruth,
    number: int,
) -> list[LedgerLeg]:
    from datetime import datetime

    assert isinstance(when, datetime)
    fee = piece * 2 // 100 // 500 * 500
    code = "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), size=5))
    b_phone, b_name = beneficiaries[int(rng.integers(len(beneficiaries)))]
    kept = ("" if rng.random() < code_drop else code for _ in range(2))
    in_ts, out_ts = when + timedelta(minutes=30), when + timedelta(hours=float(rng.uniform(2, 12)))
    pay_in = ledger_row(
        in_ts, 0, "pay_in", code=next(kept), sender=name, sender_phone=phone, receiver=b_name,
        via="mobile_money", amount_in=str(piece), commission=str(fee), **counterpart(1),
    )  # fmt: skip
    pay_out = ledger_row(
        out_ts, 1, "pay_out", code=next(kept), sender=name, receiver=b_name,
        receiver_phone=b_phone, amount_out=str(piece - fee), **counterpart(0),
    )  # fmt: skip
    aid = keys.cash_account(keys.person_key(None, b_phone, b_name, ""))
    truth.endpoints[aid] = truth.endpoints.get(aid, Decimal(0)) + piece - fee
    key = 100_000 + number
    return [LedgerLeg(in_ts, 0, pay_in, key, "in"), LedgerLeg(out_ts, 1, pay_out, key, "out")]


def _mm(
    when: object, ext: str, kind: str, src: tuple[str, str], dst: tuple[str, str], amount: int
) -> list[str]:
    from datetime import datetime

    assert isinstance(when, datetime)
    return [
        when.strftime("%d/%m/%Y %H:%M"),
        ext,
        kind,
        src[0],
        src[1],
        dst[0],
        dst[1],
        str(amount),
        "0",
    ]


def _declarations(folder: Path, courier: tuple[str, str], amount: int, when: object) -> Path:
    from datetime import datetime

    assert isinstance(when, datetime)
    columns = DECLARATIONS.split(";")
    rows = [
        {"date": when + timedelta(days=1), "declaration_id": "DD-0001", "declarant": courier[1],
         "phone": courier[0], "direction": "exit", "country_from": "ML", "country_to": "NE",
         "amount": str(min(amount, 4_900_000)), "origin": "commerce", "purpose": "famille"},
        {"date": when + timedelta(days=3), "declaration_id": "DD-0002",
         "declarant": "Voyageur Témoin", "id_type": "passport", "id_number": "T000001",
         "direction": "entry", "country_from": "NE", "country_to": "ML", "amount": "150000"},
    ]  # fmt: skip
    for row in rows:
        row.update(date=f"{row['date']:%Y-%m-%d %H:%M}", border_post="Labbezanga")
        row.update(currency="XOF", status="declared")
    return write_csv(
        folder / "declarations.csv",
        DECLARATIONS,
        [[str(row.get(c, "")) for c in columns] for row in rows],
    )
