"""Generated sources in the cash and hawala templates, with their ground truth.

Why: the investigator's exercises and the measurements of decision 0134 need files that look
like what a customs service or a seized hawala ledger gives (docs/formats/cash_declarations.md,
docs/formats/hawala.md), with the answer known:

* :func:`hawala_ledgers`: ledgers of three hawaladars (Gao, Niamey, Tamanrasset) whose customer
  transfers are paid in at one and paid out at another, with background noise, netting
  settlements, and a share of the codes removed; the truth pairs each pay-in row with its
  pay-out row;
* :func:`ransom_sources`: a ransom paid by mobile money, split across collector wallets, part
  cashed out at agents and part sent through hawala to beneficiaries in Niger, plus a courier's
  border declarations: a mobile-money export, two ledgers and a declarations file, and the
  final endpoints of the ransom (agents' wallets and beneficiaries' cash).

Amounts are XOF. Every figure (delays, commissions, shares) is an assumption of the generator,
chosen to look like the typology reports, not measured. Example::

    truth = ransom_sources(Path("scenario"), seed=7)
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

START = datetime(2025, 3, 1)
HAWALADARS = (
    ("Alhousseini Maïga", "ML", "+22376990001"),
    ("Bureau Al Amana", "NE", "+22790990002"),
    ("Tahar Ben Salah", "DZ", "+213550990003"),
)
LEDGER_FR = (
    "Date;Code;Hawaladar;Pays du hawaladar;Téléphone du hawaladar;Type d'écriture;Expéditeur;"
    "Téléphone expéditeur;Bénéficiaire;Téléphone bénéficiaire;Payé par;Montant reçu;"
    "Montant payé;Commission;Devise;Hawaladar correspondant;Pays du correspondant;"
    "Moyen de règlement;Remarque"
)
LEDGER_EN = (
    "date;code;hawaladar;hawaladar_country;hawaladar_phone;entry;sender;sender_phone;receiver;"
    "receiver_phone;via;amount_in;amount_out;commission;currency;counterpart;"
    "counterpart_country;settlement_means;note"
)
DECLARATIONS = (
    "date;declaration_id;declarant;id_type;id_number;phone;direction;border_post;country_from;"
    "country_to;amount;currency;origin;purpose;status"
)
MOBILE_MONEY = (
    "Date;N° Transaction;Type;Expéditeur;Nom expéditeur;Destinataire;Nom destinataire;"
    "Montant (XOF);Frais (XOF)"
)


@dataclass
class Ledgers:
    """Rows per hawaladar (ledger file name -> rows) and the truth: ``(file, line)`` of each
    pay-in with the ``(file, line)`` of its pay-out."""

    rows: dict[str, list[list[str]]] = field(default_factory=dict)
    pairs: list[tuple[tuple[str, int], tuple[str, int]]] = field(default_factory=list)

    def write(self, folder: Path) -> list[Path]:
        """Write each ledger (French headers for Gao's, English for the others)."""
        paths = []
        for name, rows in self.rows.items():
            header = LEDGER_FR if name.startswith("registre") else LEDGER_EN
            paths.append(write_csv(folder / name, header, rows))
        return paths


def write_csv(path: Path, header: str, rows: list[list[str]]) -> Path:
    """Write ``rows`` under ``header`` (semicolons, UTF-8, LF), creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\n")
        csv.writer(handle, delimiter=";", lineterminator="\n").writerows(rows)
    return path


def _file(index: int) -> str:
    return ("registre_gao.csv", "ledger_niamey.csv", "ledger_tamanrasset.csv")[index]


def _money(value: float, unit: int = 5000) -> int:
    return max(unit, round(value / unit) * unit)


def _code(rng: np.random.Generator) -> str:
    return "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), size=5))


def _phone(prefix: str, n: int) -> str:
    return f"{prefix}{n:08d}"[-len(prefix) - 8 :]


@dataclass
class LedgerLeg:
    """One generated ledger row, its hawaladar, and its transfer number and side."""

    ts: datetime
    ledger: int
    row: list[str]
    pair: int | None = None
    side: str = ""


def hawala_ledgers(
    seed: int = 7,
    transfers: int = 600,
    code_drop: float = 0.0,
    days: int = 60,
    via_wallet: dict[int, str] | None = None,
) -> Ledgers:
    """Ledgers of :data:`HAWALADARS` for ``transfers`` customer transfers, ground truth beside.

    Each transfer: a pay-in at one hawaladar, the pay-out (less a commission of 1, 2 or 3 %: a
    tariff) at another, hours later (log-normal, median 6 h; one in ten after 1-3 days).
    Amounts are rounded to 25,000 XOF, so many transfers share an amount: the time window and
    the named counterpart
    must tell them apart. Each row loses its code with probability ``code_drop``; half of the
    pay-out rows name their counterpart, four in five pay-in rows do. Weekly netting
    settlements between each pair are added (never customer legs).
    """
    rng = np.random.default_rng(seed)
    return assemble(ledger_legs(rng, transfers, code_drop, days), via_wallet or {})


def ledger_legs(
    rng: np.random.Generator, transfers: int, code_drop: float, days: int, first: int = 0
) -> list[LedgerLeg]:
    """The rows of :func:`hawala_ledgers` before they are split into files (``first``: number
    of the first transfer, so that two calls never share a pair number)."""
    legs: list[LedgerLeg] = []
    for k in range(first, first + transfers):
        a = int(rng.choice(3, p=[0.5, 0.35, 0.15]))
        b = int(rng.choice([x for x in range(3) if x != a]))
        ts = START + timedelta(seconds=int(rng.integers(0, days * 86400)))
        delay = float(rng.lognormal(np.log(6), 0.8))
        delay += float(rng.uniform(24, 72)) if rng.random() < 0.1 else 0.0
        amount = _money(float(rng.lognormal(np.log(300_000), 0.9)), 25_000)
        fee = _money(amount * float(rng.choice([0.01, 0.02, 0.03])), 500)  # a tariff
        code = _code(rng)
        sender, receiver = f"Client {k} S", f"Client {k} R"
        s_phone, r_phone = _phone(_dial(a), 70_000_000 + k), _phone(_dial(b), 90_000_000 + k)
        kept = ("" if rng.random() < code_drop else code for _ in range(2))
        named_in, named_out = rng.random() < 0.8, rng.random() < 0.5
        pay_in = ledger_row(
            ts, a, "pay_in", code=next(kept), sender=sender, sender_phone=s_phone,
            receiver=receiver, amount_in=str(amount), commission=str(fee),
            **counterpart(b if named_in else None),
        )  # fmt: skip
        out_ts = ts + timedelta(hours=delay)
        pay_out = ledger_row(
            out_ts, b, "pay_out", code=next(kept), sender=sender, receiver=receiver,
            receiver_phone=r_phone, amount_out=str(amount - fee),
            **counterpart(a if named_out else None),
        )  # fmt: skip
        legs += [LedgerLeg(ts, a, pay_in, k, "in"), LedgerLeg(out_ts, b, pay_out, k, "out")]
    for week in range(days // 7):
        for a in range(3):
            for b in range(a + 1, 3):
                when = START + timedelta(days=7 * week + 6, hours=20)
                net = _money(float(rng.lognormal(np.log(2_000_000), 0.5)), 50_000)
                row = ledger_row(
                    when, a, "settlement", amount_out=str(net), settlement_means="netting",
                    note=f"week {week + 1}", via="", **counterpart(b),
                )  # fmt: skip
                legs.append(LedgerLeg(when, a, row))
    return legs


def _dial(hawaladar: int) -> str:
    return {"ML": "+223", "NE": "+227", "DZ": "+213"}[HAWALADARS[hawaladar][1]]


def ledger_row(ts: datetime, at: int, entry: str, **cells: str) -> list[str]:
    """One ledger row of hawaladar ``at`` in the columns of :data:`LEDGER_EN` (the French
    ledger has the same order); ``cells`` by English column name, the others empty."""
    name, country, _ = HAWALADARS[at]
    values = {
        "date": ts.strftime("%Y-%m-%d %H:%M"),
        "hawaladar": name,
        "hawaladar_country": country,
        "entry": entry,
        "via": "cash",
        "currency": "XOF",
        **cells,
    }
    return [values.get(column, "") for column in LEDGER_EN.split(";")]


def counterpart(index: int | None) -> dict[str, str]:
    """The counterpart cells naming hawaladar ``index`` (none for ``None``)."""
    if index is None:
        return {}
    return {"counterpart": HAWALADARS[index][0], "counterpart_country": HAWALADARS[index][1]}


def assemble(legs: list[LedgerLeg], via_wallet: dict[int, str]) -> Ledgers:
    """Rows per ledger file in time order, the truth pairs by ``(file, line)``; the
    hawaladars of ``via_wallet`` name their own wallet on every row."""
    out = Ledgers()
    where: dict[tuple[int, str], tuple[str, int]] = {}
    for leg in sorted(legs, key=lambda x: (x.ts, x.ledger)):
        name = _file(leg.ledger)
        rows = out.rows.setdefault(name, [])
        rows.append(leg.row)
        if leg.pair is not None:
            where[(leg.pair, leg.side)] = (name, len(rows) + 1)  # line 1 is the header
    pairs = sorted({k for k, _ in where})
    out.pairs = [(where[(k, "in")], where[(k, "out")]) for k in pairs]
    for index, wallet in via_wallet.items():
        for row in out.rows.get(_file(index), []):
            row[4] = wallet
    return out
