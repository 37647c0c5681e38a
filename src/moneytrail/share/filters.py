"""Filter files: one FIU's subjects as a keyed Bloom filter, matched at the partner's.

A filter file is ``MTFILTER1``, one JSON header line, then the packed bits. The header says who
made it for whom, when it expires, the filter's shape and the public tag of the pair key it was
keyed with; a MAC under the pair key (``tag``) covers header and bits, so a changed bit, a
changed expiry or a filter forged by a third party is refused before anything is tested.

What matching reveals (docs/cooperation.md): the partner learns which of *its own* subjects'
keys hit; it learns nothing of the subjects that did not hit, and a hit may be a false positive
(at the configured rate) until a normal bilateral request confirms it.

Example::

    made = build_filter(subjects, pair_key, "CENTIF-ML", "CENTIF-BF", fp_rate=1e-4)
    write_filter(Path("ml-pour-bf.mtf"), made, pair_key)
    hits = match_filter(read_filter(path, ring), my_subjects, pair_key)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from moneytrail.share.bloom import KeyedBloom, expected_rate
from moneytrail.share.errors import RefusedFileError, ShareUsageError
from moneytrail.share.keyring import key_id
from moneytrail.share.subject_keys import IDENTIFIER, NAME_KEY, KeyCache, Subject, subject_keys

MAGIC = b"MTFILTER1\n"
FORMAT_VERSION = 1
MIN_RATE, MAX_RATE = 1e-9, 0.1
Progress = Callable[[float, float], None]


@dataclass
class BuiltFilter:
    """A filter and its header (without the tag, added when written)."""

    bloom: KeyedBloom
    header: dict[str, Any]


@dataclass
class SubjectHit:
    """One of *my* subjects whose identifiers or names hit the partner's filter."""

    ref: str
    label: str
    identifiers: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


@dataclass
class MatchOutcome:
    """What a match found: my hits, and how many of my subjects and keys were tested."""

    made_by: str
    made_for: str
    subjects_tested: int
    keys_tested: int
    hits: list[SubjectHit]
    expected_false_positive_rate: float


def check_rate(fp_rate: float) -> float:
    """``fp_rate`` if usable, else a usage error (``0 < rate <= 0.1``)."""
    if not MIN_RATE <= fp_rate <= MAX_RATE:
        raise ShareUsageError("share.error.bad_rate", rate=fp_rate, low=MIN_RATE, high=MAX_RATE)
    return fp_rate


def build_filter(
    subjects: Iterable[Subject],
    pair_key: bytes,
    made_by: str,
    made_for: str,
    fp_rate: float = 1e-4,
    kinds: Sequence[str] = (IDENTIFIER, NAME_KEY),
    valid_days: int = 30,
    on_progress: Progress | None = None,
    salt: bytes | None = None,
) -> BuiltFilter:
    """The keyed filter of ``subjects``' identifiers and name keys (of ``kinds``).

    ``salt``: a fresh random one unless given (only the evaluation gives one, derived from its
    seed, so that its figures can be reproduced)."""
    check_rate(fp_rate)
    cache = KeyCache()
    keys: set[str] = set()
    counts = {IDENTIFIER: 0, NAME_KEY: 0}
    subjects_count = 0
    for subject in subjects:
        subjects_count += 1
        for kind, _, key in subject_keys(subject, cache):
            if kind in kinds and key not in keys:
                keys.add(key)
                counts[kind] += 1
    ordered = sorted(keys)  # a set's order leaks nothing, but sorted is reproducible
    bloom = KeyedBloom.sized(
        pair_key, os.urandom(16) if salt is None else salt, len(ordered), fp_rate
    )
    if on_progress:
        on_progress(0, len(ordered))
    bloom.add(ordered)
    if on_progress:
        on_progress(len(ordered), len(ordered))
    now = datetime.now(UTC)
    header = {
        "format": "moneytrail-share-filter",
        "version": FORMAT_VERSION,
        "made_by": made_by,
        "made_for": made_for,
        "created": now.isoformat(timespec="seconds"),
        "expires": (now + timedelta(days=valid_days)).isoformat(timespec="seconds"),
        "key_id": key_id(pair_key),
        "salt": bloom.salt.hex(),
        "bits": bloom.bits,
        "hashes": bloom.hashes,
        "items": len(ordered),
        "subjects": subjects_count,
        "kinds": counts,
        "fp_rate": fp_rate,
        "expected_rate": expected_rate(bloom.bits, bloom.hashes, len(ordered)),
    }
    return BuiltFilter(bloom, header)


def _tag(pair_key: bytes, header: dict[str, Any], bits: bytes) -> str:
    body = json.dumps({k: v for k, v in header.items() if k != "tag"}, sort_keys=True)
    mac = hashlib.blake2b(key=pair_key, person=b"mt-filter-tag", digest_size=32)
    mac.update(body.encode("utf-8") + b"\n" + bits)
    return mac.hexdigest()


def write_filter(path: Path, built: BuiltFilter, pair_key: bytes) -> str:
    """Write the filter file; its SHA-256 (for the case's audit trail)."""
    bits = built.bloom.packed()
    header = {**built.header, "tag": _tag(pair_key, built.header, bits)}
    data = MAGIC + json.dumps(header, sort_keys=True).encode("utf-8") + b"\n" + bits
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return hashlib.sha256(data).hexdigest()


def read_header(path: Path) -> tuple[dict[str, Any], bytes]:
    """The header and packed bits of a filter file (refused if it is not one)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise RefusedFileError("unreadable", str(path), detail=exc.strerror or str(exc)) from exc
    if not data.startswith(MAGIC):
        raise RefusedFileError("not_a_filter", str(path))
    head, _, bits = data[len(MAGIC) :].partition(b"\n")
    try:
        header: dict[str, Any] = json.loads(head)
        if header.get("version") != FORMAT_VERSION:
            raise ValueError(f"version {header.get('version')}")
        int(header["bits"]), int(header["hashes"]), bytes.fromhex(header["salt"])
    except (ValueError, KeyError, TypeError) as exc:
        raise RefusedFileError("not_a_filter", str(path)) from exc
    if len(bits) != (int(header["bits"]) + 7) // 8:
        raise RefusedFileError("tampered", str(path))
    return header, bits


def open_filter(path: Path, me: str, pair_key: bytes, now: datetime | None = None) -> BuiltFilter:
    """A partner's filter, checked: addressed to ``me``, keyed with our pair key, intact and
    not expired; refused with the reason otherwise."""
    header, bits = read_header(path)
    if header.get("made_for") != me:
        raise RefusedFileError("wrong_recipient", str(path), to=header.get("made_for"), me=me)
    if header.get("key_id") != key_id(pair_key):
        raise RefusedFileError("other_key", str(path), sender=header.get("made_by"))
    if not hmac.compare_digest(str(header.get("tag", "")), _tag(pair_key, header, bits)):
        raise RefusedFileError("tampered", str(path))
    if datetime.fromisoformat(header["expires"]) < (now or datetime.now(UTC)):
        raise RefusedFileError("expired", str(path), expires=header["expires"])
    salt = bytes.fromhex(header["salt"])
    bloom = KeyedBloom.unpacked(pair_key, salt, int(header["bits"]), int(header["hashes"]), bits)
    return BuiltFilter(bloom, header)


def match_filter(built: BuiltFilter, subjects: Iterable[Subject]) -> MatchOutcome:
    """Which of ``subjects`` (mine) have an identifier or name key in the partner's filter."""
    cache = KeyCache()
    rows: list[tuple[int, str, str]] = []  # (subject index, kind, raw value)
    keys: list[str] = []
    listed: list[Subject] = []
    for index, subject in enumerate(subjects):
        listed.append(subject)
        for kind, raw, key in subject_keys(subject, cache):
            rows.append((index, kind, raw))
            keys.append(key)
    found = built.bloom.contains(keys)
    hits: dict[int, SubjectHit] = {}
    for (index, kind, raw), hit in zip(rows, found.tolist(), strict=True):
        if not hit:
            continue
        subject = listed[index]
        entry = hits.setdefault(index, SubjectHit(subject.ref, subject.label))
        (entry.identifiers if kind == IDENTIFIER else entry.names).append(raw)
    header = built.header
    return MatchOutcome(
        str(header["made_by"]),
        str(header["made_for"]),
        len(listed),
        len(keys),
        [hits[i] for i in sorted(hits)],
        float(header["expected_rate"]),
    )
