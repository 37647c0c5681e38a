"""The probabilistic linker: a Fellegi-Sunter model trained and applied by splink on DuckDB.

Why splink: it is the well-kept reference implementation of Fellegi-Sunter linkage, runs on
DuckDB (and Spark, our scale-out path), trains m/u parameters without labelled data (random
sampling for u, expectation-maximisation for m) and explains every score as per-comparison
match weights, which is what an analyst must read before merging two people in a file that a
prosecutor will see.

Why a private in-memory engine (:func:`moneytrail.engine.scratch_engine`) rather than the
workspace's: splink materialises many ``__splink__*`` working tables; in the workspace file they
would outlive the run and bloat it. splink's database API object comes from the engine
(``engine.splink_api()``), so this module never imports the engine's library.
The features travel as one Arrow table (columnar) and the scored pairs come back the same way.

The comparisons (levels in decreasing specificity; labels are what ``explanation`` shows):

* ``name``: folded names equal / a phonetic key of the name or an alias shared (transliteration,
  Arabic script) / Jaro-Winkler >= 0.92 / >= 0.80 on the folded or the plain name / different;
* ``birth_date``: equal / same year (records that only know "born about 1975") / different;
* ``nationality`` and ``country``: equal / different;
* ``phone``: a phone number shared / none shared; ``document``: a document value shared / none.

A side with no value falls in the null level (weight 0): a missing birth date is no evidence.
Blocking (which pairs are scored at all): same kind and a shared name key, a shared phone, a
shared document, or the same birth date and one name token in common. Training: u by random
sampling (seeded), m by two EM sessions blocked on the birth date and on the name key, so that
each comparison is estimated in a session that does not block on it. The prior probability that
two random records match is estimated from a near-certain deterministic rule (same folded name
and birth date) with an assumed recall of 0.6.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pyarrow as pa

from moneytrail.engine import scratch_engine
from moneytrail.resolve.features import FEATURES_SQL
from moneytrail.resolve.settings import ResolveSettings

NONE_SHARED = "none_shared"


# Prior (m, u) of each level: what the model uses where training cannot estimate a level (a
# small workspace, or a level no true match shows). Assumptions, not measurements: m is the share
# of true matches at that level, u the share of non-matches.
PRIORS: dict[str, dict[str, tuple[float, float]]] = {
    "name": {
        "folded_equal": (0.55, 0.001),
        "same_sound": (0.2, 0.002),
        "jaro_winkler_0.92": (0.12, 0.005),
        "jaro_winkler_0.80": (0.08, 0.05),
        "different": (0.05, 0.942),
    },
    "birth_date": {"equal": (0.85, 0.0005), "same_year": (0.1, 0.02), "different": (0.05, 0.9795)},
    "nationality": {"equal": (0.95, 0.3), "different": (0.05, 0.7)},
    "country": {"equal": (0.9, 0.3), "different": (0.1, 0.7)},
    "phone": {"shared": (0.6, 0.0001), NONE_SHARED: (0.4, 0.9999)},
    "document": {"shared": (0.5, 0.00001), NONE_SHARED: (0.5, 0.99999)},
}


def _level(comparison: str, sql: str, label: str, *, null: bool = False) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    else:
        level["m_probability"], level["u_probability"] = PRIORS[comparison][label]
    return level


def _equal_or_not(column: str) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_levels": [
            _level(column, f'"{column}_l" IS NULL OR "{column}_r" IS NULL', "missing", null=True),
            _level(column, f'"{column}_l" = "{column}_r"', "equal"),
            _level(column, "ELSE", "different"),
        ],
    }


def _shared(column: str, output: str) -> dict[str, Any]:
    return {
        "output_column_name": output,
        "comparison_levels": [
            _level(output, f'len("{column}_l") = 0 OR len("{column}_r") = 0', "missing", null=True),
            _level(output, f'len(list_intersect("{column}_l", "{column}_r")) > 0', "shared"),
            _level(output, "ELSE", NONE_SHARED),
        ],
    }


def comparisons() -> list[dict[str, Any]]:
    """The comparisons of the model, in splink's settings format (code constants only)."""
    jw = (
        'greatest(jaro_winkler_similarity("name_canon_l", "name_canon_r"),'
        ' jaro_winkler_similarity("name_plain_l", "name_plain_r"))'
    )
    name = {
        "output_column_name": "name",
        "comparison_levels": [
            _level(
                "name", '"name_canon_l" IS NULL OR "name_canon_r" IS NULL', "missing", null=True
            ),
            _level("name", '"name_canon_l" = "name_canon_r"', "folded_equal"),
            _level(
                "name",
                '"name_key_l" = "name_key_r"'
                ' OR len(list_intersect("name_keys_l", "name_keys_r")) > 0',
                "same_sound",
            ),
            _level("name", f"{jw} >= 0.92", "jaro_winkler_0.92"),
            _level("name", f"{jw} >= 0.80", "jaro_winkler_0.80"),
            _level("name", "ELSE", "different"),
        ],
    }
    birth = {
        "output_column_name": "birth_date",
        "comparison_levels": [
            _level(
                "birth_date",
                '"birth_date_l" IS NULL OR "birth_date_r" IS NULL',
                "missing",
                null=True,
            ),
            _level("birth_date", '"birth_date_l" = "birth_date_r"', "equal"),
            _level("birth_date", 'year("birth_date_l") = year("birth_date_r")', "same_year"),
            _level("birth_date", "ELSE", "different"),
        ],
    }
    return [
        name,
        birth,
        _equal_or_not("nationality"),
        _equal_or_not("country"),
        _shared("phones", "phone"),
        _shared("documents", "document"),
    ]


def level_labels() -> dict[str, dict[int, str]]:
    """comparison -> gamma value -> label (splink numbers non-null levels from the last, 0)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in comparisons():
        levels = comparison["comparison_levels"]
        labels = {-1: levels[0]["label_for_charts"]}
        rest = levels[1:]
        for position, level in enumerate(rest):
            labels[len(rest) - 1 - position] = level["label_for_charts"]
        out[comparison["output_column_name"]] = labels
    return out


def _blocking_rules() -> list[Any]:
    from splink import block_on

    return [
        block_on("kind", "name_keys", arrays_to_explode=["name_keys"]),
        block_on("kind", "phones", arrays_to_explode=["phones"]),
        block_on("kind", "documents", arrays_to_explode=["documents"]),
        block_on("kind", "birth_date", "name_tokens", arrays_to_explode=["name_tokens"]),
    ]


def _explanation_sql() -> str:
    """SQL building the JSON explanation of a pair: per comparison, its level and weight."""
    parts = []
    for comparison, labels in level_labels().items():
        cases = " ".join(f"WHEN {g} THEN '{label}'" for g, label in sorted(labels.items()))
        parts.append(
            f"'{comparison}', json_object('level', CASE \"gamma_{comparison}\" {cases} END,"
            f" 'weight', round(\"mw_{comparison}\", 3))"
        )
    return "json_object(" + ", ".join(parts) + ")"


def _train(linker: Any, settings: ResolveSettings, parties: int) -> list[str]:
    """Estimate the prior, u and m; a step that fails keeps the priors and says so.

    Why tolerate failure: EM on a small or perfectly separated workspace drives an m probability
    to exactly 0, which splink refuses; the priors are then the honest answer, and the run's
    model JSON records which steps were trained (``moneytrail_training``).
    """
    from splink import block_on

    if parties < settings.min_parties_to_train:
        return [f"skipped: {parties} parties < {settings.min_parties_to_train}, priors used"]
    steps: list[tuple[str, Callable[[], object]]] = [
        (
            "prior",
            lambda: linker.training.estimate_probability_two_random_records_match(
                [block_on("kind", "name_canon", "birth_date")], recall=0.6
            ),
        ),
        (
            "u",
            lambda: linker.training.estimate_u_using_random_sampling(
                max_pairs=settings.u_max_pairs, seed=settings.seed
            ),
        ),
        (
            "m_blocked_on_birth_date",
            lambda: linker.training.estimate_parameters_using_expectation_maximisation(
                block_on("kind", "birth_date")
            ),
        ),
        (
            "m_blocked_on_name_key",
            lambda: linker.training.estimate_parameters_using_expectation_maximisation(
                block_on("kind", "name_key")
            ),
        ),
    ]
    notes = []
    for name, step in steps:
        try:
            step()
        except Exception as exc:  # any training failure falls back to the priors
            notes.append(f"{name}: priors kept ({type(exc).__name__}: {exc})")
        else:
            notes.append(f"{name}: trained")
    return notes


def link(parties: pa.Table, folded: pa.Table, settings: ResolveSettings) -> tuple[pa.Table, str]:
    """Train the model on ``parties`` and score the blocked pairs.

    Returns the pairs kept (``left_id``, ``right_id``, ``match_probability``, ``match_weight``,
    ``explanation``; left < right) and the trained model as splink JSON.
    """
    from splink import Linker, SettingsCreator

    logging.getLogger("splink").setLevel(logging.ERROR)
    engine = scratch_engine()
    try:
        engine.create_table_from_arrow("mt_parties", parties)
        engine.create_table_from_arrow("mt_folded", folded)
        engine.execute(FEATURES_SQL)
        db_api = engine.splink_api()
        creator = SettingsCreator(
            link_type="dedupe_only",
            comparisons=comparisons(),  # type: ignore[arg-type]
            blocking_rules_to_generate_predictions=_blocking_rules(),
            retain_intermediate_calculation_columns=True,
            max_iterations=settings.em_max_iterations,
        )
        frame = db_api.register("mt_party_features", dataset_display_name="parties")
        # The settings are code constants checked by the tests: splink's validation of them
        # would cost a third of a second per run for nothing.
        linker = Linker(frame, creator, log_level=logging.ERROR, validate_settings=False)
        training = _train(linker, settings, parties.num_rows)
        predictions = linker.inference.predict(threshold_match_probability=settings.keep_from)
        table = engine.dialect.quote(predictions.physical_name)
        pairs = engine.fetch_arrow(
            "SELECT least(unique_id_l, unique_id_r) AS left_id,"  # noqa: S608 - splink's table name
            " greatest(unique_id_l, unique_id_r) AS right_id,"
            " round(match_probability, 6) AS match_probability,"
            " round(match_weight, 4) AS match_weight,"
            f" CAST({_explanation_sql()} AS VARCHAR) AS explanation"
            f" FROM {table} ORDER BY left_id, right_id"
        )
        saved = linker.misc.save_model_to_json()
        saved["moneytrail_training"] = training
        model = json.dumps(saved, sort_keys=True, default=str)
    finally:
        engine.close()
    return pairs, model
