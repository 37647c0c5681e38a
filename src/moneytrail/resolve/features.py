"""What the linker compares: one row of features per party, columnar.

Why fold names before splink sees them: splink's string distances know nothing of
``Mohamed``/``Mouhamadou``/``محمد`` or ``Ould``/``Uld``. The screening normaliser
(:func:`moneytrail.model.names.tokenize`) already turns any script and spelling into canonical
tokens and phonetic skeletons, so the linker compares those:

* ``name_canon``: canonical tokens of the name without patronymic markers and particles,
  sorted (word order differs between sources: ``TRAORÉ Moussa``); ``name_plain``: the same
  words before given-name folding (a typo in ``Hamadoun`` must not hide behind its folding to
  ``ahmad``); Jaro-Winkler runs on both and keeps the higher;
* ``name_key``: sorted phonetic skeletons of the same tokens (``ahmd mhmd`` for both
  ``Mohamed Ould Ahmed`` and ``محمد ولد أحمد``); ``name_keys`` adds the keys of the aliases;
* ``name_tokens``: the skeletons one by one (blocking with the birth date survives a typo in
  one word);
* ``phones`` and ``documents``: identifier values (documents: NINA, national id, passport, tax
  id, RCCM, e-mail, other, compacted and upper-cased; the scheme is dropped because one source's
  ``national_id`` is another's ``nina``).

Only distinct names go through Python (the normaliser is Python); rows stay in DuckDB/Arrow.
Assumption: party ids are unique in ``parties`` (the ingest guarantees it).
"""

from __future__ import annotations

import pyarrow as pa

from moneytrail.engine.base import Engine
from moneytrail.model.names import MARKER, PARTICLE, knowledge, tokenize
from moneytrail.resolve.settings import DOCUMENT_SCHEMES

FOLD_SCHEMA = pa.schema(
    [
        ("name", pa.string()),
        ("kind", pa.string()),
        ("canon", pa.string()),
        ("plain", pa.string()),
        ("key", pa.string()),
        ("tokens", pa.list_(pa.string())),
    ]
)


def fold_name(name: str, kind: str) -> tuple[str, str, str, list[str]]:
    """``(canon, plain, key, tokens)`` of one name read as a person or an organisation name.

    >>> fold_name("Mouhamadou Uld Ahmed", "person")
    ('ahmad muhammad', 'ahmed mouhamadou', 'ahmd mhmd', ['ahmd', 'mhmd'])
    >>> fold_name("محمد ولد أحمد", "person")[2]
    'ahmd mhmd'
    """
    schema = "Person" if kind == "person" else "Organization"
    known = knowledge()
    words = tokenize(name, schema)
    # The normaliser keeps a first word as a name even when it is a marker (``Ould Ahmed``);
    # sources that write the family name first put ``Ould`` there, so drop it anywhere.
    tokens = [
        t
        for t in words
        if t.kind not in (MARKER, PARTICLE)
        and t.raw not in known["markers"]
        and t.raw not in known["particles"]
    ] or list(words)
    canon = " ".join(sorted(t.canon for t in tokens))
    plain = " ".join(sorted(t.raw for t in tokens))
    skeletons = sorted(t.skeleton or t.canon for t in tokens)
    return canon, plain, " ".join(skeletons), sorted(set(skeletons))


def party_rows(engine: Engine) -> pa.Table:
    """Parties with their phone and document values (one row per party)."""
    schemes = ", ".join("?" for _ in DOCUMENT_SCHEMES)
    return engine.fetch_arrow(
        "WITH ids AS (SELECT owner_id,"  # noqa: S608 - placeholders only
        " list(DISTINCT value ORDER BY value) FILTER (WHERE scheme = 'phone') AS phones,"
        " list(DISTINCT upper(regexp_replace(value, '[^0-9A-Za-z@.]', '', 'g'))"
        "  ORDER BY upper(regexp_replace(value, '[^0-9A-Za-z@.]', '', 'g')))"
        f"  FILTER (WHERE scheme IN ({schemes})) AS documents"
        " FROM identifiers GROUP BY owner_id)"
        " SELECT p.id AS unique_id, p.kind, p.name, coalesce(p.aliases, []) AS aliases,"
        " p.birth_date, p.nationality, p.country, p.source_id,"
        " coalesce(ids.phones, []) AS phones, coalesce(ids.documents, []) AS documents"
        " FROM parties p LEFT JOIN ids ON ids.owner_id = p.id ORDER BY p.id",
        list(DOCUMENT_SCHEMES),
    )


def folded_names(engine: Engine) -> pa.Table:
    """Each distinct (name, kind) of the workspace, aliases included, folded."""
    distinct = engine.fetchall(
        "SELECT DISTINCT name, kind FROM ("
        " SELECT name, kind FROM parties UNION ALL"
        " SELECT unnest(aliases) AS name, kind FROM parties) WHERE name IS NOT NULL"
        " ORDER BY 1, 2"
    )
    names, kinds, canons, plains, keys, tokens = [], [], [], [], [], []
    for name, kind in distinct:
        canon, plain, key, words = fold_name(str(name), str(kind))
        names.append(name)
        kinds.append(kind)
        canons.append(canon or None)
        plains.append(plain or None)
        keys.append(key or None)
        tokens.append(words)
    return pa.table(
        {
            "name": names,
            "kind": kinds,
            "canon": canons,
            "plain": plains,
            "key": keys,
            "tokens": tokens,
        },
        schema=FOLD_SCHEMA,
    )


# Runs in the linker's own DuckDB connection, over the two Arrow tables registered there.
FEATURES_SQL = """
CREATE OR REPLACE TABLE mt_party_features AS
WITH alias_keys AS (
    SELECT a.unique_id, list(DISTINCT f.key) AS keys
    FROM (SELECT unique_id, kind, unnest(aliases) AS alias FROM mt_parties) a
    JOIN mt_folded f ON f.name = a.alias AND f.kind = a.kind
    WHERE f.key IS NOT NULL
    GROUP BY a.unique_id
)
SELECT p.unique_id, p.kind, p.name, p.birth_date, p.nationality, p.country, p.source_id,
       f.canon AS name_canon, f.plain AS name_plain, f.key AS name_key,
       list_sort(list_distinct(list_filter(
           list_concat([f.key], coalesce(k.keys, [])), lambda x: x IS NOT NULL))) AS name_keys,
       coalesce(f.tokens, []) AS name_tokens,
       p.phones, p.documents
FROM mt_parties p
LEFT JOIN mt_folded f ON f.name = p.name AND f.kind = p.kind
LEFT JOIN alias_keys k ON k.unique_id = p.unique_id
ORDER BY p.unique_id
"""
