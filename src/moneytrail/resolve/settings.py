"""Settings of one entity-resolution run (one typed object, passed down; see DESIGN.md).

>>> ResolveSettings().threshold
0.9
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

from moneytrail.errors import UsageError

# Identifier schemes that name one person or one company: an equal value is strong evidence.
# Addresses and devices are left out on purpose: a family, a shop or a cyber-café shares them.
DOCUMENT_SCHEMES = ("nina", "national_id", "passport", "tax_id", "rccm", "email", "other")


@dataclass(frozen=True)
class ResolveSettings:
    """What a run of :func:`moneytrail.resolve.run_resolution` does.

    ``threshold``: match probability from which a predicted pair links two parties (0.9: an
    analyst prefers to confirm a missed pair than to undo a wrong merge in a prosecution file);
    ``keep_from``: pairs below this probability are not stored (they are noise for review);
    ``seed``: seed of splink's random sampling of non-matching pairs (u probabilities), so the
    same workspace gives the same model; ``u_max_pairs``: size of that sample;
    ``em_max_iterations``: bound on each expectation-maximisation session;
    ``min_parties_to_train``: below this many parties the model keeps its priors (training on a
    handful of records would only learn noise).
    """

    threshold: float = 0.9
    keep_from: float = 0.05
    seed: int = 42
    u_max_pairs: int = 1_000_000
    em_max_iterations: int = 25
    min_parties_to_train: int = 200

    def __post_init__(self) -> None:
        """Refuse settings that would silently change the clusters (NaN, 0 or 1.5 threshold)."""
        if not (math.isfinite(self.threshold) and 0.0 < self.threshold <= 1.0):
            raise UsageError("error.resolve_bad_threshold", threshold=self.threshold)
        if not (math.isfinite(self.keep_from) and 0.0 <= self.keep_from <= 1.0):
            raise UsageError("error.resolve_bad_setting", name="keep_from", value=self.keep_from)
        for name, low in (
            ("seed", 0),
            ("u_max_pairs", 1),
            ("em_max_iterations", 1),
            ("min_parties_to_train", 0),
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise UsageError("error.resolve_bad_setting", name=name, value=value)

    def to_json(self) -> str:
        """Stable JSON of the settings (sorted keys): part of the run's natural key."""
        return json.dumps(asdict(self), sort_keys=True)
