"""Pictures and routes of the money: Sankey diagrams of traces, widest paths, brokers, bridges.

Why a package of its own: these pieces sit between tracing (``moneytrail.trace``) and the network
(``moneytrail.network``) and serve the report ("a picture ready for the case file"). Modules:

- :mod:`~moneytrail.flows.sankey_layout` (pure layout) and :mod:`~moneytrail.flows.sankey`
  (matplotlib drawing) — ``moneytrail trace ... --sankey FILE``;
- :mod:`~moneytrail.flows.widest` — maximum-bottleneck routes, static and temporal;
- :mod:`~moneytrail.flows.brokers` — cut accounts, bridges, brokers between communities;
- :mod:`~moneytrail.flows.text` — Arabic shaping and French/English amounts for pictures;
- :mod:`~moneytrail.flows.subjects` — account facts (holder, country) and subject lookup.

Nothing is imported here on purpose: ``network.picture`` uses ``flows.text`` and must not pull
the network modules back in a cycle.

Example::

    from moneytrail.flows.sankey import write_trace_sankey
    write_trace_sankey(ws.engine, ws.trace(seed), Path("sankey.png"), lang="fr")
"""
