"""The workbench's pages and JSON endpoints, one module per area (listed in
``moneytrail.web.app.ROUTE_MODULES``)."""
