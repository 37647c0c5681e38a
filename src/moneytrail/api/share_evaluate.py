"""``moneytrail share evaluate``: filters and PSI measured on two synthetic national FIUs.

Why a command and not a test: the figures of docs/cooperation.md ("Evaluation") must come from
a run anyone can repeat (``--markdown docs/cooperation.md`` rewrites that section), and the
sizes that say something (tens of thousands of residents) are too slow for a unit test.

What is measured (:class:`ShareEvaluation`): FIU A builds a filter of all its residents for B;
B matches all its own. Recall on B's residents known to A by an identifier (must be 100 %) and
by name only, spelt differently (goal >= 95 %); the false-positive rate of the filter, measured
on B's keys that are *not* keys of A (goal: within 2x of the configured rate); how many of B's
residents unknown to A hit by a namesake's name (not a filter error: a name is a weak key, a
bilateral request decides); then PSI of A's and B's identifiers against the exact intersection.

Example::

    figures = evaluate_share(persons_a=20_000, persons_b=20_000, shared_ids=1000,
                             shared_names=1000, fp_rate=1e-3)
    figures.name_recall      # 0.97...
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from moneytrail._version import __version__

__all__ = ["ShareEvaluation", "evaluate_share", "write_markdown"]

BEGIN, END = "<!-- share-evaluation:begin -->", "<!-- share-evaluation:end -->"


@dataclass
class ShareEvaluation:
    """Figures of one evaluation run (see the module doc)."""

    persons_a: int
    persons_b: int
    shared_ids: int
    shared_names: int
    seed: int
    fp_rate: float
    filter_items: int
    filter_bits: int
    filter_hashes: int
    identifier_recall: float
    name_recall: float
    name_missed: list[tuple[str, str]]
    measured_fp_rate: float
    non_member_keys: int
    namesake_subjects: int
    build_seconds: float
    match_seconds: float
    psi_a: int
    psi_b: int
    psi_count: int
    psi_exact: bool
    psi_count_mode_exact: bool
    psi_seconds: float
    version: str


def evaluate_share(
    persons_a: int = 20_000,
    persons_b: int = 20_000,
    shared_ids: int = 1_000,
    shared_names: int = 1_000,
    fp_rate: float = 1e-3,
    seed: int = 7,
    psi_limit: int = 5_000,
) -> ShareEvaluation:
    """Generate, build, match, run PSI and compare with the truth (``psi_limit``: residents of
    each side whose identifiers go into PSI, shared ones first)."""
    from moneytrail.share.filters import build_filter, match_filter
    from moneytrail.share.psi import finish, reply, start
    from moneytrail.share.subject_keys import Subject, all_keys, identifier_key
    from moneytrail.synth.cross_border import cross_border

    made = cross_border(persons_a, persons_b, shared_ids, shared_names, seed)
    a, b = made.a, made.b
    side_a = [
        Subject(r, n[0], n, i) for r, n, i in zip(a.refs, a.names, a.identifiers, strict=True)
    ]
    side_b = [
        Subject(r, n[0], n, i) for r, n, i in zip(b.refs, b.names, b.identifiers, strict=True)
    ]
    # Keys derived from the seed: the same command gives the same false hits (a real exchange
    # draws its pair key and salt at random; the rate measured depends on them by chance only)
    pair_key = hashlib.sha256(f"moneytrail share evaluate key {seed}".encode()).digest()
    salt = hashlib.sha256(f"moneytrail share evaluate salt {seed}".encode()).digest()[:16]
    started = time.perf_counter()
    built = build_filter(side_a, pair_key, "FIU-A", "FIU-B", fp_rate, salt=salt)
    build_seconds = time.perf_counter() - started
    started = time.perf_counter()
    outcome = match_filter(built, side_b)
    match_seconds = time.perf_counter() - started
    hits = {h.ref: h for h in outcome.hits}
    by_id = [made.b.refs[ib] for _, ib in made.shared_ids]
    by_name = [(ia, ib) for ia, ib in made.shared_names]
    id_found = sum(1 for ref in by_id if ref in hits and hits[ref].identifiers)
    name_found = [
        made.b.refs[ib] in hits and bool(hits[made.b.refs[ib]].names) for _, ib in by_name
    ]
    missed = [
        (made.a.names[ia][0], made.b.names[ib][0])
        for (ia, ib), found in zip(by_name, name_found, strict=True) if not found
    ]  # fmt: skip
    keys_a = set(all_keys(side_a))
    outsiders = [k for k in all_keys(side_b) if k not in keys_a]
    false_hits = int(built.bloom.contains(outsiders).sum()) if outsiders else 0
    shared_b = {ib for _, ib in made.shared_ids} | {ib for _, ib in made.shared_names}
    namesakes = sum(
        1
        for i, ref in enumerate(made.b.refs)
        if i not in shared_b and ref in hits and hits[ref].names
    )
    # PSI: each side's identifiers, shared residents first so the intersection is not empty
    first_a = [ia for ia, _ in made.shared_ids] + list(range(persons_a))
    first_b = [ib for _, ib in made.shared_ids] + list(range(persons_b))
    ids_a = _identifier_slice(made.a.identifiers, first_a, psi_limit, identifier_key)
    ids_b = _identifier_slice(made.b.identifiers, first_b, psi_limit, identifier_key)
    started = time.perf_counter()
    r1, state = start(ids_a, "FIU-A", "FIU-B", "identify")
    result = finish(reply(r1, ids_b, "FIU-B"), state)
    psi_seconds = time.perf_counter() - started
    r1c, state_c = start(ids_a, "FIU-A", "FIU-B", "count")
    counted = finish(reply(r1c, ids_b, "FIU-B"), state_c)
    exact = sorted(set(ids_a) & set(ids_b))
    h = built.header
    return ShareEvaluation(
        persons_a, persons_b, shared_ids, shared_names, seed, fp_rate, h["items"], h["bits"],
        h["hashes"], id_found / max(1, len(by_id)), sum(name_found) / max(1, len(by_name)),
        missed[:10], false_hits / max(1, len(outsiders)), len(outsiders), namesakes,
        round(build_seconds, 2), round(match_seconds, 2), len(set(ids_a)), len(set(ids_b)),
        result.count, result.matched == exact,
        counted.count == len(exact) and counted.matched is None,
        round(psi_seconds, 2), __version__,
    )  # fmt: skip


def _identifier_slice(
    identifiers: list[tuple[str, ...]],
    order: list[int],
    limit: int,
    key: Callable[[str], str | None],
) -> list[str]:
    """The keys of the identifiers of the first ``limit`` distinct residents of ``order``."""
    seen: set[int] = set()
    values: set[str] = set()
    for index in order:
        if index in seen:
            continue
        seen.add(index)
        values.update(k for k in map(key, identifiers[index]) if k is not None)
        if len(seen) >= limit:
            break
    return sorted(values)


def to_markdown(figures: ShareEvaluation, command: str) -> str:
    """The evaluation section of docs/cooperation.md."""
    f = figures
    missed = "; ".join(f"{a} / {b}" for a, b in f.name_missed) or "-"
    rows = [
        ("residents A / B", f"{f.persons_a:,} / {f.persons_b:,}", ""),
        ("shared by identifier / par identifiant", f"{f.shared_ids:,}", ""),
        ("shared by name only, spelt differently / par le nom seul", f"{f.shared_names:,}", ""),
        ("filter keys, bits, positions / clés, bits, positions",
         f"{f.filter_items:,}, {f.filter_bits:,}, {f.filter_hashes}", ""),
        ("identifier recall / rappel identifiants", f"{f.identifier_recall:.2%}", "100 %"),
        ("name-only recall / rappel nom seul", f"{f.name_recall:.2%}", ">= 95 %"),
        (f"false-positive rate, configured {f.fp_rate:g} / taux de faux positifs",
         f"{f.measured_fp_rate:.6f} on {f.non_member_keys:,} keys", f"<= {2 * f.fp_rate:g}"),
        ("B residents unknown to A hit by a namesake / homonymes", f"{f.namesake_subjects:,}",
         "(information)"),
        ("filter build / match (s)", f"{f.build_seconds} / {f.match_seconds}", ""),
        ("PSI identifiers A x B, intersection", f"{f.psi_a:,} x {f.psi_b:,}, {f.psi_count:,}", ""),
        ("PSI exact (identify / count)", f"{f.psi_exact} / {f.psi_count_mode_exact}",
         "True / True"),
        ("PSI time (s)", f"{f.psi_seconds}", ""),
    ]  # fmt: skip
    day = time.strftime("%Y-%m-%d", time.gmtime())
    lines = [BEGIN, f"Command: `{command}` (moneytrail {f.version}, {day}).", ""]
    lines += ["| figure / mesure | value / valeur | goal / objectif |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {goal} |" for name, value, goal in rows]
    lines += ["", f"Names missed (first ten) / noms manqués : {missed}", END]
    return "\n".join(lines)


def write_markdown(path: Path, figures: ShareEvaluation, command: str) -> None:
    """Replace the evaluation section of ``path`` (between its markers) with ``figures``."""
    text = path.read_text("utf-8")
    section = to_markdown(figures, command)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, "utf-8")
