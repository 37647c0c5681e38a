"""The people, businesses and accounts of a synthetic Sahel economy.

Shape (all from YAML): residents of Mali, Burkina Faso, Niger, Mauritania, Senegal and Guinea
with a mobile-money wallet each, a third of them banked (bank account + cash pseudo-account);
businesses of the sectors in ``sectors.yaml`` (commerce, transport, gold comptoirs, livestock,
construction, import-export); NGOs; mobile-money agents; hawaladars; bureaux de change; the banks
and operators themselves; counterparts abroad. Accounts are grouped in named *pools*
(``person_wallet``, ``gold_bank``...) from which activities and typologies draw.

Ids follow the natural keys of :mod:`moneytrail.model.ids`: a wallet is its MSISDN, a bank
account is scoped by its bank, a party and a cash or hawala pseudo-account by the scenario scope.

>>> from moneytrail.synth.config import SynthConfig
>>> pop = build_population(SynthConfig(scale=200, seed=1))
>>> len(pop.pools["person_wallet"]) >= 200
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from moneytrail.model.ids import natural_key
from moneytrail.synth.config import SynthConfig, load_data
from moneytrail.synth.names import NameBook, pick

CURRENCY = "XOF"


@dataclass
class Population:
    """Rows of parties, accounts and identifiers, plus pools of account indices."""

    scope: str
    parties: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    identifiers: list[dict[str, Any]] = field(default_factory=list)
    pools: dict[str, list[int]] = field(default_factory=dict)
    weights: list[float] = field(default_factory=list)
    account_party: list[int] = field(default_factory=list)
    _numbers: set[str] = field(default_factory=set)

    def add_party(self, kind: str, name: str, country: str | None, **extra: Any) -> int:
        """Add a party; returns its index."""
        index = len(self.parties)
        party_id = natural_key("party", self.scope, f"P{index:07d}")
        row: dict[str, Any] = {
            "id": party_id,
            "kind": kind,
            "name": name,
            "aliases": [],
            "birth_date": None,
        }
        row.update({"nationality": None, "country": country})
        row.update(extra)
        self.parties.append(row)
        return index

    def add_account(
        self,
        party: int,
        kind: str,
        institution: str,
        number: str,
        country: str,
        pools: tuple[str, ...],
        weight: float = 1.0,
    ) -> int:
        """Add an account held by ``party`` to ``pools``; returns its index."""
        scope = {"bank": institution, "external": institution, "mobile_money": ""}.get(
            kind, self.scope
        )
        index = len(self.accounts)
        self.accounts.append(
            {
                "id": natural_key("account", kind, scope, number),
                "kind": kind,
                "institution": institution,
                "number": number,
                "name": self.parties[party]["name"],
                "currency": CURRENCY,
                "country": country,
                "holder_party_id": self.parties[party]["id"],
            }
        )
        self.account_party.append(party)
        self.weights.append(weight)
        for pool in pools:
            self.pools.setdefault(pool, []).append(index)
        return index

    def add_identifier(self, party: int, scheme: str, value: str) -> None:
        """Attach an identifier (phone, NINA, RCCM...) to a party."""
        owner = self.parties[party]["id"]
        self.identifiers.append({"owner_id": owner, "scheme": scheme, "value": value})

    def unique_number(self, rng: np.random.Generator, prefix: str, digits: int) -> str:
        """A number ``prefix`` + ``digits`` random digits never issued before in this scenario."""
        while True:
            tail = "".join(str(d) for d in rng.integers(0, 10, size=digits))
            number = prefix + tail
            if number not in self._numbers:
                self._numbers.add(number)
                return number

    def pool(self, name: str) -> np.ndarray:
        """Account indices of pool ``name`` as an array (empty if the pool is empty)."""
        return np.asarray(self.pools.get(name, []), dtype=np.int64)

    def party_of(self, account: int) -> dict[str, Any]:
        """Row of the party holding ``account``."""
        return self.parties[self.account_party[account]]


def _weighted(rng: np.random.Generator, table: dict[str, dict[str, Any]], n: int) -> list[str]:
    keys = list(table)
    p = np.asarray([float(table[k]["weight"]) for k in keys])
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


def _msisdn(pop: Population, rng: np.random.Generator, msisdn: dict[str, Any]) -> str:
    first = str(pick(rng, msisdn["first"]))
    return pop.unique_number(rng, f"+{msisdn['code']}{first}", int(msisdn["digits"]) - len(first))


def _activity(rng: np.random.Generator) -> float:
    """Heavy-tailed activity weight: a few accounts move much more money than most."""
    return float(rng.lognormal(0.0, 0.8))


def build_population(config: SynthConfig) -> Population:
    """The population of ``config`` (deterministic for its seed)."""
    rng = np.random.Generator(np.random.PCG64([config.seed, 1]))
    pop = Population(scope=config.scope)
    countries = load_data("countries.yaml")
    book = NameBook()
    home: dict[str, dict[str, Any]] = countries["home"]
    for code, info in home.items():
        for bank in info["banks"]:
            pop.add_party("organization", bank, code)
        for operator in info["operators"]:
            pop.add_party("organization", operator, code)
    _residents(pop, rng, config, home, book)
    _organisations(pop, rng, config, home, book)
    _abroad(pop, rng, config, countries["abroad"], book)
    return pop


def _residents(
    pop: Population,
    rng: np.random.Generator,
    config: SynthConfig,
    home: dict[str, dict[str, Any]],
    book: NameBook,
) -> None:
    for country in _weighted(rng, home, config.scale):
        info = home[country]
        male = bool(rng.random() < 0.55)
        name, aliases = book.person(rng, str(pick(rng, info["groups"])), male)
        born = date(1950, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 55)))
        party = pop.add_party(
            "person", name, country, aliases=aliases, birth_date=born, nationality=country
        )
        wallets = 2 if rng.random() < 0.1 else 1
        for _ in range(wallets):
            msisdn = _msisdn(pop, rng, info["msisdn"])
            operator = str(pick(rng, info["operators"]))
            pop.add_account(
                party, "mobile_money", operator, msisdn, country, ("person_wallet",), _activity(rng)
            )
            pop.add_identifier(party, "phone", msisdn)
        scheme = "nina" if country == "ML" else "national_id"
        pop.add_identifier(party, scheme, pop.unique_number(rng, country, 12))
        if rng.random() < 0.35:
            bank = str(pick(rng, info["banks"]))
            number = pop.unique_number(rng, f"{country}{bank[:3].upper()}", 11)
            weight = _activity(rng)
            pop.add_account(party, "bank", bank, number, country, ("person_bank",), weight)
            pop.add_account(party, "cash", "", f"CASH-P{party}", country, ("person_cash",), weight)


def _organisations(
    pop: Population,
    rng: np.random.Generator,
    config: SynthConfig,
    home: dict[str, dict[str, Any]],
    book: NameBook,
) -> None:
    sectors = load_data("sectors.yaml")
    specs: list[tuple[str, str, dict[str, Any]]] = []
    for family in ("businesses", "organisations", "services"):
        specs += [(family, sector, spec) for sector, spec in sectors[family].items()]
    residents = pop.pool("person_wallet")
    for family, sector, spec in specs:
        count = max(1, round(float(spec["per_1000"]) * config.scale / 1000))
        for country in _weighted(rng, home, count):
            info = home[country]
            operator = str(pick(rng, info["operators"]))
            name = str(pick(rng, spec["names"])).format(
                family=book.family(rng, str(pick(rng, info["groups"]))),
                city=pick(rng, info["cities"]),
                operator=operator,
            )
            kind = "organization" if family == "organisations" else "company"
            party = pop.add_party(kind, name, country)
            scheme = "rccm" if kind == "company" else "other"
            pop.add_identifier(party, scheme, pop.unique_number(rng, f"{country}-RCCM-", 8))
            owner = int(residents[int(rng.integers(len(residents)))])
            pop.add_identifier(party, "phone", pop.accounts[owner]["number"])
            _org_accounts(pop, rng, party, sector, country, info, operator)


def _org_accounts(
    pop: Population,
    rng: np.random.Generator,
    party: int,
    sector: str,
    country: str,
    info: dict[str, Any],
    operator: str,
) -> None:
    weight = _activity(rng) * 3
    if sector == "mobile_agent":
        number = _msisdn(pop, rng, info["msisdn"])
        pop.add_account(party, "mobile_money", operator, number, country, ("agent_wallet",), weight)
        return
    bank = str(pick(rng, info["banks"]))
    number = pop.unique_number(rng, f"{country}{bank[:3].upper()}", 11)
    bank_pools = {
        "gold_buyer": ("gold_bank",),
        "import_export": ("trader_bank",),
        "ngo": ("ngo_bank",),
        "bureau_de_change": ("bdc_bank",),
    }.get(sector, ())
    is_business = sector in load_data("sectors.yaml")["businesses"]
    pools = bank_pools + (("business_bank", "employer_bank") if is_business else ())
    pop.add_account(party, "bank", bank, number, country, pools, weight)
    if is_business:
        cash = f"CASH-P{party}"
        pop.add_account(party, "cash", "", cash, country, ("business_cash",), weight)
    wallet_pool = {
        "commerce_general": "merchant_wallet",
        "livestock": "livestock_wallet",
        "ngo": "ngo_wallet",
        "hawaladar": "hawala_wallet",
        "transport": "merchant_wallet",
    }.get(sector)
    if wallet_pool:
        number = _msisdn(pop, rng, info["msisdn"])
        pop.add_account(party, "mobile_money", operator, number, country, (wallet_pool,), weight)
    if sector == "hawaladar":
        pop.add_account(party, "hawala", "", f"HAWALA-P{party}", country, ("hawala_position",))
        pop.add_account(party, "cash", "", f"CASH-P{party}", country, ("hawala_cash",))


def _abroad(
    pop: Population,
    rng: np.random.Generator,
    config: SynthConfig,
    abroad: dict[str, dict[str, Any]],
    book: NameBook,
) -> None:
    senders = max(4, config.scale // 15)
    for i, country in enumerate(_weighted(rng, abroad, senders + max(4, config.scale // 200))):
        institution = str(pick(rng, abroad[country]["institutions"]))
        number = pop.unique_number(rng, f"{country}-", 10)
        if i < senders:
            party = pop.add_party("person", book.abroad(rng, country), country)
            pools: tuple[str, ...] = ("diaspora_ext",)
        else:
            name = f"{book.abroad(rng, country).split()[-1]} Trading LLC"
            party = pop.add_party("company", name, country)
            pools = ("foreign_business_ext",)
        pop.add_account(party, "external", institution, number, country, pools, _activity(rng))
