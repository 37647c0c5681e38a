"""``moneytrail goaml``: the group; its commands live in ``goaml_*_cmd`` modules, each
attaching itself to :data:`goaml_app` (``validate``, ``reports``, ``write``)."""

from __future__ import annotations

import typer

goaml_app = typer.Typer(
    help="goAML reports: validate, search, write / déclarations goAML", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Attach the ``goaml`` group to ``app``."""
    app.add_typer(goaml_app, name="goaml")
