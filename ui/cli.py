"""``credit-scoring ui``: the dashboard on its own, for development.

The same Blocks and the same in-process backend as the dashboard mounted at ``/ui`` in
the Bento service (``credit-scoring serve``), without the API around it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credit_scoring.settings import (
    DEFAULT_FEATURES_DIR,
    DEFAULT_MODEL_TAG,
    ENV_FEATURES_DIR,
    ENV_MODEL_TAG,
)


def ui_command(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port of the dashboard.")] = 7860,
    model: Annotated[
        str, typer.Option(envvar=ENV_MODEL_TAG, help="Model tag in the BentoML store.")
    ] = DEFAULT_MODEL_TAG,
    features: Annotated[
        Path,
        typer.Option(
            envvar=ENV_FEATURES_DIR, help="Folder of the feature tables (the known clients)."
        ),
    ] = DEFAULT_FEATURES_DIR,
    host: Annotated[
        str, typer.Option(help="Interface to listen on (0.0.0.0 for all).")
    ] = "127.0.0.1",
) -> None:
    """Serve the dashboard alone (the service also mounts it at /ui)."""
    from ui.app import launch_dashboard
    from ui.backend import Backend

    try:
        backend = Backend.load(model, features)
        launch_dashboard(backend, host=host, port=port)
    except (LookupError, FileNotFoundError, ValueError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from None
