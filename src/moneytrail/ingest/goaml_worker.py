"""A worker process of the goAML reader: ``python -m moneytrail.ingest.goaml_worker``.

Started by :func:`moneytrail.ingest.goaml_pool.stage_parallel` (the work is in
:mod:`moneytrail.ingest.goaml_run`); reads its runs of reports on
stdin and writes one result per run on stdout (a module of its own so that the results' classes
pickle under their real module, not ``__main__``).
"""

from moneytrail.ingest.goaml_run import serve

if __name__ == "__main__":
    serve()
