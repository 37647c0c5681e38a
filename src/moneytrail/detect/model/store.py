"""Saved scoring models: ``<workspace>/models/<name>.txt`` (LightGBM) + ``<name>.json``, and
``<name>.stage1.txt`` for a two-stage model (:mod:`.stacking`; ``<name>.txt`` is then the
second stage, whose inputs the card's ``feature_names`` list).

Why two files: LightGBM's own text format is stable, readable and needs no pickle (a model file
from a colleague cannot run code); the JSON beside it says what the booster cannot: the feature
names and settings it was trained with, the threshold chosen on validation, the split dates and
the figures measured on test, so that an alert can always say which model raised it and how
good that model was.

The model version is the first 12 hex digits of the SHA-256 of the booster texts (the first
stage's, then the final one's): retraining under the same name gives a new version, hence new
alert ids (the old alerts stay). A card written before two-stage models existed has no
``stages`` field and reads as one stage.

>>> valid_name("fiu-2026_v1"), valid_name("../etc")
(True, False)
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from moneytrail.errors import UsageError
from moneytrail.files.outputs import atomic_output

if TYPE_CHECKING:
    import lightgbm as lgb

    from moneytrail.detect.features import FeatureConfig

MODELS_DIR = "models"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def valid_name(name: str) -> bool:
    """A model name is a plain file name (letters, digits, ``_ . -``; 64 characters at most)."""
    return bool(_NAME.match(name)) and ".." not in name


@dataclass
class ModelCard:
    """What is known about a saved model besides its trees."""

    name: str
    version: str
    feature_names: list[str]
    feature_config: dict[str, Any]
    threshold: float
    dataset: str
    target_kind: str
    split: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    stages: int = 1
    memory: bool = False

    def config(self) -> FeatureConfig:
        """The feature settings the model was trained with."""
        from moneytrail.detect.features import FeatureConfig

        return FeatureConfig(**self.feature_config)


def stage_path(text_path: Path) -> Path:
    """Where the first-stage booster of a two-stage model lies, beside the final one."""
    return text_path.with_name(text_path.stem + ".stage1.txt")


def model_paths(workspace: Path, name: str) -> tuple[Path, Path]:
    """Booster and card paths of model ``name`` (refuses a name that is not a plain word)."""
    if not valid_name(name):
        raise UsageError("problem.model_name_invalid", name=name)
    folder = workspace / MODELS_DIR
    return folder / f"{name}.txt", folder / f"{name}.json"


def save_model(workspace: Path, boosters: list[lgb.Booster], card: ModelCard) -> Path:
    """Write the boosters (first stage first) and the card; returns the final booster's path.

    Sets ``card.version`` and ``card.stages``. A stale first stage left by an earlier
    two-stage model of the same name is removed when a one-stage model replaces it.
    """
    if not 1 <= len(boosters) <= 2:
        raise ValueError("a model has one or two stages")
    text_path, card_path = model_paths(workspace, card.name)
    text_path.parent.mkdir(parents=True, exist_ok=True)
    texts = [b.model_to_string() for b in boosters]
    card.stages = len(texts)
    card.version = _version(texts)
    # Each file is written whole or not at all; the card last, since a model counts as saved
    # once its card names it (a kill before leaves the previous card and boosters usable).
    if len(texts) == 2:
        _write_whole(stage_path(text_path), texts[0])
    else:
        stage_path(text_path).unlink(missing_ok=True)
    _write_whole(text_path, texts[-1])
    _write_whole(
        card_path, json.dumps(asdict(card), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    )
    return text_path


def _write_whole(path: Path, text: str) -> None:
    with atomic_output(path) as part:
        part.write_text(text, encoding="utf-8")


def known_models(workspace: Path) -> list[str]:
    """Names of the models saved in ``workspace``."""
    folder = workspace / MODELS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if (folder / f"{p.stem}.txt").exists())


def read_card(workspace: Path, name: str) -> ModelCard:
    """The card of model ``name`` alone (no booster is read, LightGBM is not imported); a
    clear error when the model is missing or its card damaged."""
    text_path, card_path = model_paths(workspace, name)
    if not (text_path.exists() and card_path.exists()):
        known = ", ".join(known_models(workspace)) or "-"
        raise UsageError("problem.model_unknown", name=name, known=known)
    try:
        card = ModelCard(**json.loads(card_path.read_text(encoding="utf-8")))
        if card.stages not in (1, 2):
            raise ValueError(f"stages = {card.stages}: a model has one or two stages")
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError("problem.model_damaged", name=name, detail=str(exc)) from exc
    return card


def load_model(workspace: Path, name: str) -> tuple[list[lgb.Booster], ModelCard]:
    """The boosters (first stage first) and card of model ``name``; a clear error when it is
    missing or damaged (a two-stage card whose first stage file is gone is damaged)."""
    import lightgbm as lgb

    card = read_card(workspace, name)
    text_path, _ = model_paths(workspace, name)
    paths = [stage_path(text_path), text_path] if card.stages == 2 else [text_path]
    try:
        texts = [p.read_text(encoding="utf-8") for p in paths]
    except (OSError, ValueError) as exc:
        raise UsageError("problem.model_damaged", name=name, detail=str(exc)) from exc
    # The card's version is the trees' own digest (save_model): a changed digit in a threshold
    # still parses, and would score every transaction differently without a word.
    found = _version(texts)
    if found != card.version:
        detail = f"version {card.version} saved, {found} read"
        raise UsageError("problem.model_damaged", name=name, detail=detail)
    try:
        boosters = [lgb.Booster(model_str=text) for text in texts]
    except (ValueError, TypeError, lgb.basic.LightGBMError) as exc:
        raise UsageError("problem.model_damaged", name=name, detail=str(exc)) from exc
    return boosters, card


def _version(texts: list[str]) -> str:
    """A model's version: the first 12 hexadecimal digits of its trees' SHA-256 (first stage
    first)."""
    return hashlib.sha256("".join(texts).encode("utf-8")).hexdigest()[:12]
