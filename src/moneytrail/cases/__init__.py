"""The case store: dossiers, who works on them, their evidence, and a tamper-evident trail.

Layers inside: :mod:`tables` (schema) and :mod:`migrate` (alembic), :mod:`store` (SQLite or
PostgreSQL, serialised transactions), :mod:`roles` (the one ``authorize``), :mod:`guard` (the
doorway every call goes through), :mod:`audit` and :mod:`signing` (hash chain, checkpoints),
:mod:`users` and :mod:`service` (what the library API calls). Nothing here reads the
workspace: evidence arrives as JSON snapshots made by the API (decision 0128).
"""
