"""A Bloom filter whose bit positions are a keyed hash (BLAKE2b MAC) of each key.

Why keyed: a plain Bloom filter of names and account numbers lets anyone who holds it test any
guess ("is Moussa Traoré in the Malian FIU's files?"). With positions computed by a MAC under a
secret only the two FIUs share (the *pair key*, :mod:`moneytrail.share.keyring`), the filter is
noise to a third party who intercepts it; only the partner it was made for can test values,
and :mod:`moneytrail.share.filters` records each test run.

Sizing (the textbook formulas, named here because docs/cooperation.md quotes them): for ``n``
keys and a target false-positive rate ``p``,

    m = max(1024, ceil(-n ln p / (ln 2)^2)) bits,   k = max(1, round(-log2 p)) positions,

(``k`` is ``(m / n) ln 2`` at that ``m``: the optimum), and the expected rate of the built
filter is ``(1 - exp(-k n / m))^k``.
Positions follow Kirsch and Mitzenmacher: two 64-bit words ``h1, h2`` of one 128-bit MAC give
``h1 + i h2 mod m`` for ``i < k``; a fresh random salt per filter makes two filters of the same
subjects unlinkable.

Example::

    >>> bloom = KeyedBloom.sized(b"k" * 32, b"s" * 16, items=100, fp_rate=0.01)
    >>> bloom.add(["i:ML123456"])
    >>> bloom.contains(["i:ML123456", "i:ML999999"]).tolist()
    [True, False]
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import numpy as np

PERSON = b"mt-bloom-v1"
MIN_BITS = 1024  # a filter of a few subjects stays well below its rate (and hides its size less)
BATCH = 200_000  # keys hashed per numpy batch: bounds memory at ~k * 8 bytes * BATCH


def sizing(items: int, fp_rate: float) -> tuple[int, int]:
    """``(m bits, k positions)`` for ``items`` keys at ``fp_rate`` (see the module doc)."""
    n = max(1, items)
    m = max(MIN_BITS, math.ceil(-n * math.log(fp_rate) / (math.log(2) ** 2)))
    k = max(1, round(-math.log2(fp_rate)))  # = (m / n) ln 2 at the formula's m
    return m, k


def expected_rate(bits: int, hashes: int, items: int) -> float:
    """The false-positive rate a filter of this shape should show."""
    return float((1.0 - math.exp(-hashes * max(1, items) / bits)) ** hashes)


class KeyedBloom:
    """``bits`` positions set by ``hashes`` MAC-derived positions per key."""

    def __init__(
        self, pair_key: bytes, salt: bytes, bits: int, hashes: int, array: np.ndarray | None = None
    ) -> None:
        self.bits = bits
        self.hashes = hashes
        self.salt = salt
        self._mac_key = hashlib.blake2b(salt, key=pair_key, person=PERSON, digest_size=32).digest()
        self.array = np.zeros(bits, dtype=bool) if array is None else array

    @classmethod
    def sized(cls, pair_key: bytes, salt: bytes, items: int, fp_rate: float) -> KeyedBloom:
        """An empty filter sized for ``items`` keys at ``fp_rate``."""
        bits, hashes = sizing(items, fp_rate)
        return cls(pair_key, salt, bits, hashes)

    def _positions(self, keys: Sequence[str]) -> np.ndarray:
        mac = self._mac_key
        digests = b"".join(
            hashlib.blake2b(key.encode("utf-8"), key=mac, digest_size=16).digest() for key in keys
        )
        words = np.frombuffer(digests, dtype="<u8").reshape(-1, 2)
        steps = np.arange(self.hashes, dtype=np.uint64)
        with np.errstate(over="ignore"):  # modulo 2**64 on purpose, then modulo m
            spread = words[:, :1] + steps[None, :] * (words[:, 1:] | np.uint64(1))
        return spread % np.uint64(self.bits)

    def add(self, keys: Sequence[str]) -> None:
        """Set the positions of ``keys``."""
        for start in range(0, len(keys), BATCH):
            self.array[self._positions(keys[start : start + BATCH]).ravel()] = True

    def contains(self, keys: Sequence[str]) -> np.ndarray:
        """For each key: all its positions set (member, or a false positive)."""
        out = np.zeros(len(keys), dtype=bool)
        for start in range(0, len(keys), BATCH):
            positions = self._positions(keys[start : start + BATCH])
            out[start : start + len(positions)] = self.array[positions].all(axis=1)
        return out

    def packed(self) -> bytes:
        """The bit array, eight positions a byte (what a filter file carries)."""
        return np.packbits(self.array).tobytes()

    @classmethod
    def unpacked(
        cls, pair_key: bytes, salt: bytes, bits: int, hashes: int, data: bytes
    ) -> KeyedBloom:
        """A filter read back from :meth:`packed` bytes."""
        array = np.unpackbits(np.frombuffer(data, dtype=np.uint8), count=bits).astype(bool)
        return cls(pair_key, salt, bits, hashes, array)
