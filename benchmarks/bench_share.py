"""Cooperation between FIUs: a keyed filter of 1M subjects built and matched against 1M local
subjects (goal: under 2 minutes on 2 cores), and PSI of 100k x 10k identifiers, timed.

Data: :func:`moneytrail.synth.cross_border.cross_border` (two national files, 1 % of B's
residents known to A by an identifier and 1 % by name only, spelt differently); generation is
timed apart. The yardstick for the filter is the naive exchange it replaces: each side's keys
as a Python set of HMAC-SHA256 digests (what a "hashed list" exchange costs, and reveals far
more: the partner can test any guess forever, with no false-positive rate to tune).

``python -m benchmarks.run share`` writes section ``share`` of docs/benchmarks.md.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from typing import Any

from benchmarks.common import measure, stamp, write_section

SUBJECTS = 1_000_000
PSI_INITIATOR, PSI_RESPONDER = 10_000, 100_000


def filter_job(subjects: str, fp_rate: str = "1e-4") -> dict[str, Any]:
    """Generate two files of ``subjects`` residents, build A's filter, match B's residents."""
    from moneytrail.share.filters import build_filter, match_filter
    from moneytrail.share.subject_keys import Subject, all_keys
    from moneytrail.synth.cross_border import cross_border

    n = int(subjects)
    started = time.perf_counter()
    made = cross_border(n, n, shared_ids=n // 100, shared_names=n // 100, seed=11)
    side_a = [
        Subject(*row)
        for row in zip(
            made.a.refs, [x[0] for x in made.a.names], made.a.names, made.a.identifiers, strict=True
        )
    ]
    side_b = [
        Subject(*row)
        for row in zip(
            made.b.refs, [x[0] for x in made.b.names], made.b.names, made.b.identifiers, strict=True
        )
    ]
    generated = time.perf_counter() - started
    key = os.urandom(32)
    started = time.perf_counter()
    built = build_filter(side_a, key, "FIU-A", "FIU-B", float(fp_rate))
    build = time.perf_counter() - started
    started = time.perf_counter()
    outcome = match_filter(built, side_b)
    match = time.perf_counter() - started
    hits = {h.ref for h in outcome.hits if h.identifiers}
    id_recall = sum(made.b.refs[ib] in hits for _, ib in made.shared_ids) / len(made.shared_ids)
    # yardstick: both sides' keys as HMAC-SHA256 digests, one set intersected with the other
    started = time.perf_counter()
    ours = {hmac.new(key, k.encode(), hashlib.sha256).digest() for k in all_keys(side_a)}
    theirs = [hmac.new(key, k.encode(), hashlib.sha256).digest() for k in all_keys(side_b)]
    common = sum(1 for d in theirs if d in ours)
    peer = time.perf_counter() - started
    return {
        "subjects": n, "generate_s": round(generated, 1), "build_s": round(build, 1),
        "match_s": round(match, 1), "items": built.header["items"], "bits": built.header["bits"],
        "hashes": built.header["hashes"], "keys_tested": outcome.keys_tested,
        "hits": len(outcome.hits), "identifier_recall": id_recall, "peer_s": round(peer, 1),
        "peer_common": common, "size_mib": round(built.header["bits"] / 8 / 2**20, 1),
    }  # fmt: skip


def psi_job(initiator: str, responder: str) -> dict[str, Any]:
    """PSI of ``initiator`` x ``responder`` random MSISDNs, a tenth of the smaller side shared."""
    from moneytrail.share.psi import finish, reply, start

    a, b = int(initiator), int(responder)
    mine = [f"223{70000000 + i}" for i in range(a)]
    theirs = [f"223{70000000 + i}" for i in range(a - a // 10, a - a // 10 + b)]
    started = time.perf_counter()
    r1, state = start(mine, "FIU-A", "FIU-B")
    t1 = time.perf_counter() - started
    started = time.perf_counter()
    r2 = reply(r1, theirs, "FIU-B")
    t2 = time.perf_counter() - started
    started = time.perf_counter()
    result = finish(r2, state)
    t3 = time.perf_counter() - started
    exact = result.matched == sorted(set(mine) & set(theirs))
    return {
        "initiator": a, "responder": b, "round1_s": round(t1, 1), "round2_s": round(t2, 1),
        "finish_s": round(t3, 1), "total_s": round(t1 + t2 + t3, 1), "count": result.count,
        "exact": exact,
    }  # fmt: skip


def run(subjects: int = SUBJECTS) -> str:
    """Measure both jobs, write the docs section, return it."""
    load = os.getloadavg()
    filt = measure("bench_share", "filter_job", str(subjects))
    psi = measure("bench_share", "psi_job", str(PSI_INITIATOR), str(PSI_RESPONDER))
    f, p = filt.figures, psi.figures
    total = f["build_s"] + f["match_s"]
    body = f"""## Cooperation filters and PSI (share)

{stamp()} Load average at start {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}: the machine
(2 cores) was shared with other engineers' jobs when measured. moneytrail's filter and PSI run
on one core. Command: `python -m benchmarks.run share`.

| job | figures | time |
|---|---|---|
| generate two national files (cross_border) | {f["subjects"]:,} + {f["subjects"]:,} residents | {f["generate_s"]} s |
| build A's keyed filter (fp rate 1e-4) | {f["items"]:,} keys, {f["bits"]:,} bits ({f["size_mib"]} MiB), {f["hashes"]} positions | {f["build_s"]} s |
| match B's residents | {f["keys_tested"]:,} keys tested, {f["hits"]:,} subjects hit, identifier recall {f["identifier_recall"]:.0%} | {f["match_s"]} s |
| **build + match (goal < 120 s)** | | **{total:.1f} s** |
| yardstick: HMAC-SHA256 sets of both sides | {f["peer_common"]:,} keys in common | {f["peer_s"]} s |
| filter process, whole (peak RSS) | | {filt.seconds:.1f} s ({filt.peak_mib:.0f} MiB) |
| PSI round 1 (A: {p["initiator"]:,} identifiers) | | {p["round1_s"]} s |
| PSI round 2 (B: {p["responder"]:,} identifiers) | | {p["round2_s"]} s |
| PSI finish (A) | intersection {p["count"]:,}, exact: {p["exact"]} | {p["finish_s"]} s |
| **PSI {p["responder"]:,} x {p["initiator"]:,} total** | | **{p["total_s"]} s** ({psi.peak_mib:.0f} MiB) |

The yardstick is the exchange a filter replaces (both sides' keys as exact HMAC digests): it
costs about as much time and hands the partner an exact, permanent oracle of every key.
"""
    write_section("share", body)
    return body
