"""The levels of a training exercise: how big, long and hard its scenario is.

Assumptions, tunable here: a beginner gets a small population, one case and little noise; an
intermediate trainee other typologies as decoys; an expert a large, long scenario with high
difficulty and a sanctioned person to discover. Kept apart from :mod:`.dossier` (which builds
the scenario) so that the level names are known without loading the generator.

>>> list(LEVELS)
['beginner', 'intermediate', 'expert']
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Level:
    """Scenario settings of one level."""

    scale: int
    days: int
    difficulty: float
    typologies: tuple[str, ...]


LEVELS: dict[str, Level] = {
    "beginner": Level(150, 60, 0.2, ("kidnap_ransom",)),
    "intermediate": Level(500, 120, 0.5, ("kidnap_ransom", "mule_chain", "structuring")),
    "expert": Level(
        1500,
        180,
        0.8,
        ("kidnap_ransom", "mule_chain", "structuring", "hawala_netting", "sanctioned_proxy"),
    ),
}
