"""Cash and hawala: the channels where no bank sees the money.

Why a package of its own: cross-border cash declarations and hawala ledgers are read by two
readers (:mod:`moneytrail.ingest.cash_declarations`, :mod:`moneytrail.ingest.hawala`), generated
by the synthetic scenarios and measured by ``benchmarks/bench_hawala.py``; the facts they share
live here, as data and pure functions: the declaration thresholds and the legal texts behind
them (``data/thresholds.yaml``), the FR/EN column headers of the two templates
(``data/templates.yaml``), how a template file is read into numbered rows, and how a hawala
pay-in is linked to its pay-out. Decision 0134 explains the representation.
"""
