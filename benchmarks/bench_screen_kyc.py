"""Sahel KYC screening set (decision 0130): generate it, then run both matchers on it.

``generate`` imports nothing from moneytrail: it reads the UN XML with the standard library and
splits aliases itself, so the matcher's own parsing cannot shape the labels. Seeded (18); the
CSV it writes is committed (``tests/screen/data/sahel_kyc_cases.csv``) and is what the figures
in docs/evaluation.md mean.

``evaluate`` screens each query of a part with moneytrail (``CandidateIndex.screen``, shipped
threshold) and with nomenklatura logic-v2 behind a rapidfuzz top-30 candidate search (its own
virtual environment, ``benchmarks/peer_nomenklatura.py screen``), same entries, same run, and
prints one markdown table::

    python -m benchmarks.bench_screen_kyc generate ../shared/data
    python -m benchmarks.bench_screen_kyc evaluate ../shared/data [--part heldout|tuning]
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "screen" / "data" / "sahel_kyc_cases.csv"
UN_FILE = "sanctions/un/UN_consolidated_2026-02-27.xml"
SEED = 18
FIELDS = ["id", "part", "kind", "schema", "name", "expected", "source_name", "how"]

GIVEN = [
    "Amadou",
    "Moussa",
    "Oumar",
    "Boubacar",
    "Abdoulaye",
    "Ibrahim",
    "Hamidou",
    "Seydou",
    "Mamadou",
    "Modibo",
    "Souleymane",
    "Bakary",
    "Adama",
    "Issa",
    "Yacouba",
    "Drissa",
    "Lassina",
    "Sekou",
    "Alassane",
    "Aliou",
    "Cheick",
    "Hamadoun",
    "Ousmane",
    "Sidi",
    "Mohamed",
    "Ahmed",
    "Mahmoud",
    "Lemine",
    "Cheikh",
    "Brahim",
    "Salem",
    "Ely",
    "Baba",
    "Mohamedou",
    "Abdallahi",
    "Fatoumata",
    "Aissata",
    "Mariam",
    "Kadiatou",
    "Aminata",
    "Oumou",
    "Hawa",
    "Djeneba",
    "Rokia",
    "Awa",
    "Salimata",
    "Ramata",
    "Zeinabou",
    "Mariem",
    "Khadijetou",
    "Aicha",
    "Fatimetou",
    "Nana",
    "Assetou",
    "Habibatou",
    "Hadiza",
    "Halima",
]
FAMILY = [
    "Traore",
    "Diallo",
    "Maiga",
    "Cisse",
    "Toure",
    "Coulibaly",
    "Keita",
    "Sangare",
    "Diarra",
    "Konate",
    "Kone",
    "Sidibe",
    "Dembele",
    "Sissoko",
    "Doumbia",
    "Camara",
    "Bah",
    "Barry",
    "Sow",
    "Ba",
    "Kane",
    "Diop",
    "Ndiaye",
    "Fall",
    "Sy",
    "Ouedraogo",
    "Sawadogo",
    "Zongo",
    "Kabore",
    "Compaore",
    "Issoufou",
    "Hamani",
    "Moumouni",
    "Abdou",
    "Garba",
    "Mahamane",
    "Idrissa",
    "Boukari",
    "Tandia",
    "Guindo",
    "Dicko",
    "Tamboura",
    "Sanogo",
    "Haidara",
    "Yattara",
    "Tall",
    "Niang",
    "Thiam",
    "Wade",
]
MAURE = [
    "Cheikh",
    "Sidi",
    "Ahmed",
    "Mohamed",
    "Abdallahi",
    "Brahim",
    "Lemrabott",
    "Salem",
    "Bouh",
    "Mahmoud",
    "Ely",
]
TUAREG = [
    "Intallah",
    "Ghissa",
    "Alhassane",
    "Acherif",
    "Assaleh",
    "Ibrahim",
    "Elmehdi",
    "Mohamed",
    "Alkassoum",
]
MAGHREB = [
    "Benali",
    "Bouzid",
    "Haddad",
    "Belkacem",
    "Saidi",
    "Mansouri",
    "Amrani",
    "Chaoui",
    "Kaddour",
    "Ziani",
]
BUSINESS = (
    "Ets {w} et Freres",
    "{w} Transport SARL",
    "Boulangerie {w}",
    "Pharmacie {w}",
    "Groupe {w} Import-Export",
    "Quincaillerie {w} du Sahel",
    "Societe {w} de Commerce General SA",
    "GIE {w} Services",
    "Clinique {w}",
    "Hotel {w} Bamako",
)
GENERIC = set(
    [
        "the",
        "of",
        "and",
        "in",
        "for",
        "al",
        "el",
        "group",
        "organization",
        "organisation",
        "foundation",
        "front",
        "movement",
        "trust",
        "international",
        "branch",
        "islamic",
        "islamiya",
        "islamiyya",
        "islamia",
        "society",
        "army",
        "brigade",
        "network",
        "battalion",
        "regiment",
        "company",
        "committee",
        "charity",
        "charitable",
        "aid",
        "association",
        "office",
        "offices",
        "union",
        "people",
        "west",
        "africa",
        "jihad",
    ]
)
MARKERS = {"ag", "ould", "uld", "ben", "bin", "ibn", "walad"}
PARTICLES = {"al", "el", "ad", "as", "ash", "at", "az", "ar", "an"}
MOHAMED = ["Mohamed", "Mouhamadou", "Muhammad", "Mohammed", "Mahamat", "Mohamad", "Mouhamed"]
SPELLINGS = [
    (r"ou", "u"),
    (r"u", "ou"),
    (r"sh", "ch"),
    (r"j", "dj"),
    (r"q", "k"),
    (r"ee", "i"),
    (r"y", "i"),
    (r"abd al ", "abdel"),
    (r"abdul ", "abdoul "),
    (r"yusuf", "youssouf"),
    (r"uthman", "ousmane"),
    (r"ibrahim", "brahim"),
]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name and child.text:
            return " ".join(child.text.split())
    return ""


_NOTE = re.compile(r"\b(?:name|script|identity|third|born|passport|branch)\b", re.IGNORECASE)


def split_aliases(raw: str, primary: bool = False) -> list[str]:
    """The generator's own alias split: ``;`` lists, parenthesised parts, script notes. In a
    primary name a parenthesised part is a qualifier (``FOUNDATION (KENYA)``) unless it is an
    acronym (``(AQAP)``)."""
    raw = re.sub(r"\(original script\)", "", raw, flags=re.IGNORECASE)
    if primary:
        inner = re.findall(r"\(([^)]*)\)", raw)
        outer = re.sub(r"\([^)]*\)", " ", raw)
        acronyms = [i for i in inner if re.fullmatch(r"[A-Z]{2,6}", i.strip())]
        raw = ";".join([outer, *acronyms])
    parts: list[str] = []
    for chunk in re.split(r"[;()]", raw):
        chunk = re.split(r",\s*born\b", chunk)[0]
        chunk = " ".join(chunk.replace("\u2019", "'").split()).strip(" ,.")
        if len(chunk) >= 3 and not re.search(r"\d", chunk) and not _NOTE.search(chunk):
            parts.append(chunk)
    return parts


def read_un(path: Path) -> list[tuple[str, str, list[str], str]]:
    """(reference, schema, names, original-script name) of the QDi, LYi and QDe entries."""
    root = ET.parse(path).getroot()
    out = []
    for element in root.iter():
        tag = _local(element.tag)
        if tag not in ("INDIVIDUAL", "ENTITY"):
            continue
        ref = _text(element, "REFERENCE_NUMBER")
        if not ref.startswith(("QDi", "LYi", "QDe")):
            continue
        first = " ".join(
            _text(element, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
        )
        names = split_aliases(first, primary=True)
        for alias in element:
            if _local(alias.tag) in ("INDIVIDUAL_ALIAS", "ENTITY_ALIAS"):
                if _text(alias, "QUALITY") in ("Low", "low"):
                    continue
                names += split_aliases(_text(alias, "ALIAS_NAME"))
        script = _text(element, "NAME_ORIGINAL_SCRIPT")
        schema = "Person" if tag == "INDIVIDUAL" else "Organization"
        latin = [n for n in names if n.isascii()]
        if latin:
            out.append((ref, schema, latin, script))
    return out


def _words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", name) if w]


def _fold(name: str) -> str:
    return " ".join(sorted(w.lower().strip("'") for w in _words(name)))


def person_variant(rng: random.Random, name: str) -> tuple[str, str]:
    """One or two record-keeping changes of a listed person's name, and which."""
    how: list[str] = []
    words = _words(name.title())
    for _ in range(rng.choice((1, 2))):
        op = rng.choice(("spelling", "mohamed", "order", "drop_particles", "spelling"))
        if op == "mohamed" and any(w.lower().startswith(("moh", "muh")) for w in words):
            words = [rng.choice(MOHAMED) if w.lower()[:3] in ("moh", "muh") else w for w in words]
        elif op == "order" and len(words) >= 2:
            words = [words[-1].upper(), *words[:-1]]
        elif op == "drop_particles":
            kept = [w for w in words if w.lower() not in MARKERS | PARTICLES]
            kept = [re.sub(r"^(?:Al|El)-", "", w) for w in kept]
            if len(kept) >= 2 and kept != words:
                words = kept
            else:
                continue
        else:
            text = " ".join(words).lower()
            pattern, repl = rng.choice(SPELLINGS)
            changed = re.sub(pattern, repl, text, count=1)
            if changed == text:
                continue
            words = [w.title() if not w.isupper() else w for w in changed.split()]
            op = f"spelling:{pattern}>{repl}"
        how.append(op)
    return " ".join(words), "+".join(how) or "copy"


def org_variant(rng: random.Random, name: str) -> tuple[str, str]:
    op = rng.choice(("lower", "no_article", "hyphens"))
    if op == "lower":
        return name.title(), op
    if op == "no_article":
        out = re.sub(r"\b(?:al|el|the)[- ]", "", name, flags=re.IGNORECASE).strip()
        return (out, op) if len(_words(out)) >= 1 and out != name else (name.title(), "lower")
    return name.replace("-", " "), op


def _part(ref: str) -> str:
    digest = hashlib.sha256(f"{SEED}:{ref}".encode()).digest()
    return "heldout" if digest[0] % 2 else "tuning"


def generate(data: Path, out: Path = CASES) -> int:
    """Write the labelled set; returns the number of rows."""
    rng = random.Random(SEED)
    entries = read_un(data / UN_FILE)
    listed_folds = {_fold(n) for _, _, names, _ in entries for n in names}
    rows: list[dict[str, str]] = []

    def add(
        part: str, kind: str, schema: str, name: str, expected: str, src: str, how: str
    ) -> None:
        rows.append(
            {
                "id": f"k{len(rows) + 1:05d}",
                "part": part,
                "kind": kind,
                "schema": schema,
                "name": name,
                "expected": expected,
                "source_name": src,
                "how": how,
            }
        )

    for ref, schema, names, script in entries:
        part = _part(ref)
        if schema == "Person":
            for _ in range(2):
                src = rng.choice(names)
                variant, how = person_variant(rng, src)
                add(part, "listed", schema, variant, ref, src, how)
            if script and not script.isascii() and rng.random() < 0.5:
                add(part, "listed", schema, script, ref, script, "original_script")
            words = [w for w in _words(names[0].title()) if w.lower() not in PARTICLES]
            if len(words) >= 2:
                marker = next((i for i, w in enumerate(words[:-1]) if w.lower() in MARKERS), None)
                pool = [f for f in FAMILY if _fold(f) not in {_fold(w) for w in words}]
                new = rng.choice(pool)
                if marker is not None and marker + 1 < len(words) - 1:
                    look = [*words[: marker + 1], new, *words[marker + 2 :]]
                    how = "other_father"
                else:  # the given names (at most two) before another family name
                    look = [*words[: min(2, len(words) - 1)], new]
                    how = "other_family_name"
                if _fold(" ".join(look)) not in listed_folds:
                    add(part, "lookalike_person", schema, " ".join(look), "", names[0], how)
        else:
            src = rng.choice(names)
            variant, how = org_variant(rng, src)
            add(part, "listed", schema, variant, ref, src, how)
            distinct = [
                w.strip("'’").title()
                for w in _words(re.sub(r"\b(?:al|el)-", "", names[0], flags=re.IGNORECASE))
                if len(w) >= 4 and w.lower().strip("'’") not in GENERIC and w.isalpha()
            ]
            if len(set(distinct)) >= 2:
                word = rng.choice(distinct)
                business = rng.choice(BUSINESS).format(w=word)
                add(part, "lookalike_business", schema, business, "", names[0], "one_word")
    seen: set[str] = set()
    count = 0
    while count < 1600:
        shape = rng.random()
        given = rng.choice(GIVEN)
        if shape < 0.45:
            name = f"{given} {rng.choice(FAMILY)}"
        elif shape < 0.65:
            name = f"{given} {rng.choice(GIVEN)} {rng.choice(FAMILY)}"
        elif shape < 0.8:
            name = f"{given} Ould {rng.choice(MAURE)}"
        elif shape < 0.9:
            name = f"{given} Ag {rng.choice(TUAREG)}"
        else:
            name = f"{given} Ben {rng.choice(MAGHREB)}"
        if rng.random() < 0.3:  # family name (with its marker) first, in capitals
            words = _words(name)
            cut = len(words) - (2 if words[-2].lower() in MARKERS else 1)
            name = " ".join([*(w.upper() for w in words[cut:]), *words[:cut]])
        folded = _fold(name)
        if folded in seen or folded in listed_folds:
            continue
        seen.add(folded)
        part = "heldout" if count % 2 else "tuning"
        add(part, "unlisted", "Person", name, "", "", "pools")
        count += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def read_cases(part: str | None, path: Path = CASES) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if part in (None, "all", r["part"])]


def ours(data: Path, cases: list[dict[str, str]]) -> tuple[dict[str, set[str]], float, Any]:
    """moneytrail's alerts per query id (entry ids at or above the shipped threshold)."""
    from moneytrail.screen.index import CandidateIndex
    from moneytrail.screen.lists import load_list
    from moneytrail.screen.scorer import Query
    from moneytrail.screen.settings import ScreenSettings

    un = load_list(data / UN_FILE)
    index = CandidateIndex([un])
    settings = ScreenSettings()
    alerts: dict[str, set[str]] = {}
    for row in cases:
        hits = index.screen(Query(row["name"], row["schema"]), settings)
        alerts[row["id"]] = {h.entry.entry_id for h in hits if h.score >= settings.threshold}
    return alerts, settings.threshold, un


def peer(cases: list[dict[str, str]], entries: Iterable[Any]) -> tuple[dict[str, set[str]], float]:
    """logic-v2's alerts per query id, behind a rapidfuzz top-30 candidate search."""
    from benchmarks.bench_screen import ensure_peer

    python = ensure_peer()
    with tempfile.TemporaryDirectory() as tmp:
        listed = Path(tmp) / "entries.jsonl"
        queries = Path(tmp) / "queries.jsonl"
        with listed.open("w", encoding="utf-8") as handle:
            for e in entries:
                record = {"id": e.entry_id, "schema": e.schema, "names": list(e.names)}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        with queries.open("w", encoding="utf-8") as handle:
            for row in cases:
                record = {"id": row["id"], "schema": row["schema"], "name": row["name"]}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        script = str(ROOT / "benchmarks" / "peer_nomenklatura.py")
        out = subprocess.run(
            [str(python), script, "screen", str(queries), str(listed)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return {k: set(v) for k, v in result["alerts"].items()}, float(result["threshold"])


def figures(cases: list[dict[str, str]], alerts: dict[str, set[str]]) -> dict[str, float]:
    """Recall, false-alert rates, precision and F1 of one side (decision 0130)."""
    counts: dict[str, list[int]] = {}
    tp = fn = fp = 0
    for row in cases:
        got = alerts.get(row["id"], set())
        seen = counts.setdefault(row["kind"], [0, 0])
        seen[1] += 1
        if row["kind"] == "listed":
            found = row["expected"] in got
            tp += found
            fn += not found
            seen[0] += found
        else:
            fp += bool(got)
            seen[0] += bool(got)
    look = [counts.get(k, [0, 0]) for k in ("lookalike_person", "lookalike_business")]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0

    def rate(pair: list[int]) -> float:
        return pair[0] / pair[1] if pair[1] else 0.0

    return {
        "recall": recall,
        "fa_unlisted": rate(counts.get("unlisted", [0, 0])),
        "fa_lookalike_person": rate(look[0]),
        "fa_lookalike_business": rate(look[1]),
        "fa_lookalike": rate([look[0][0] + look[1][0], look[0][1] + look[1][1]]),
        "precision": precision,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "n_listed": counts.get("listed", [0, 0])[1],
        "n_unlisted": counts.get("unlisted", [0, 0])[1],
        "n_lookalike": look[0][1] + look[1][1],
    }


def pairs_f1() -> float:
    """F1 of moneytrail on the 826 nomenklatura pairs at the shipped threshold."""
    from benchmarks.bench_screen import cases_file
    from moneytrail.screen.evaluate import evaluate_cases

    return float(evaluate_cases(cases_file())["f1"])


def evaluate(data: Path, part: str, with_peer: bool = True) -> str:
    cases = read_cases(part)
    mine, threshold, un = ours(data, cases)
    sides = [(f"moneytrail (threshold {threshold})", figures(cases, mine))]
    if with_peer:
        theirs, peer_threshold = peer(cases, un.entries)
        sides.append((f"logic-v2 + top-30 (threshold {peer_threshold})", figures(cases, theirs)))
    first = sides[0][1]
    lines = [
        f"Sahel KYC set, part `{part}`: {first['n_listed']:.0f} listed variants, "
        f"{first['n_unlisted']:.0f} unlisted names, {first['n_lookalike']:.0f} look-alikes; "
        f"UN 2026-02-27 ({len(un.entries)} entries).",
        "",
        "| matcher | recall listed | false alerts unlisted | look-alikes (persons) "
        "| look-alikes (businesses) | look-alikes (all) | precision | F1 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, f in sides:
        lines.append(
            f"| {label} | {f['recall']:.2%} | {f['fa_unlisted']:.2%} | "
            f"{f['fa_lookalike_person']:.2%} | {f['fa_lookalike_business']:.2%} | "
            f"{f['fa_lookalike']:.2%} | {f['precision']:.4f} | {f['f1']:.4f} |"
        )
    lines += ["", f"moneytrail F1 on the 826 nomenklatura pairs (threshold 0.8): {pairs_f1():.4f}"]
    return "\n".join(lines)


def errors(data: Path, part: str) -> str:
    """moneytrail's misclassified queries of a part (read the tuning part only)."""
    cases = read_cases(part)
    mine, _, _ = ours(data, cases)
    out = []
    for row in cases:
        got = mine[row["id"]]
        wrong = (row["expected"] not in got) if row["kind"] == "listed" else bool(got)
        if wrong:
            out.append(f"{row['kind']}\t{row['name']}\t{row['expected']}\t{sorted(got)}")
    return "\n".join(out)


def main(argv: list[str]) -> None:
    command, data = argv[0], Path(argv[1])
    part = argv[argv.index("--part") + 1] if "--part" in argv else "heldout"
    if command == "generate":
        print(f"{generate(data)} rows written to {CASES.relative_to(ROOT)}")
    elif command == "evaluate":
        print(evaluate(data, part, with_peer="--no-peer" not in argv))
    elif command == "errors":
        print(errors(data, part))
    else:
        raise SystemExit("usage: generate|evaluate|errors DATA [--part heldout|tuning|all]")


if __name__ == "__main__":
    main(sys.argv[1:])
