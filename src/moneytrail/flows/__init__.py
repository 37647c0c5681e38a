"""Pictures and routes of the money: Sankey diagrams of traces, widest paths, brokers, bridges.

Why a package of its own: these pieces sit between tracing (``moneytrail.trace``) and the network
(``moneytrail.network``) and serve the report ("a picture ready for the case file"). Modules:

- :mod:`~moneytrail.flows.sankey_layout` (pure layout) and :mod:`~moneytrail.flows.sankey`
  (matplotlib drawing) — ``moneytrail trace ... --sankey FILE``;
- :mod:`~moneytrail.flows.widest` — maximum-bottleneck routes, static and temporal;
- :mod:`~moneytrail.flows.brokers` — cut accounts, bridges, brokers between communities;
- :mod:`~moneytrail.flows.subjects` — account facts (holder, country) for labels.

Names and amounts are shaped for pictures by :mod:`moneytrail.model.display` (shared with the
network pictures); subjects are resolved by :mod:`moneytrail.subjects`. Nothing is imported
here on purpose: each module pulls in its own heavy libraries (matplotlib, rustworkx).

Example::

    ws.flows.sankey(ws.trace(seed), Path("sankey.png"), lang="fr")
"""
