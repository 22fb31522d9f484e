"""``credit-scoring serve``: run the Bento service (API, /metrics and the dashboard).

The command checks what the service needs before starting it, so that a missing model
or feature table is a one-line error instead of a worker traceback, then runs
``bentoml serve service.service:CreditScoring`` with the configuration in its environment.
``service.process`` builds that command line; the tests, the load benchmark and the
demo start their servers with it too.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from credit_scoring import settings
from service.process import server_command

FEATURE_FILES = ("train.parquet", "test.parquet", "applications.parquet", "manifest.json")


def check_model(tag: str) -> str:
    """The full tag of ``tag`` in the BentoML store, or a one-line ``typer.BadParameter``."""
    import bentoml
    from bentoml.exceptions import BentoMLException

    try:
        return str(bentoml.models.get(tag).tag)
    except BentoMLException:
        home = os.environ.get("BENTOML_HOME", str(Path.home() / "bentoml"))
        raise typer.BadParameter(
            f"no {tag} in the BentoML store at {home}/models: run `credit-scoring train` first",
            param_hint="--model",
        ) from None


def check_features(folder: Path) -> None:
    """A one-line ``typer.BadParameter`` when ``folder`` lacks a feature table file."""
    for name in FEATURE_FILES:
        if not (folder / name).is_file():
            raise typer.BadParameter(
                f"{folder / name} not found: run `credit-scoring features` first",
                param_hint="--features",
            )


def serve_command(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 3000,
    model: Annotated[
        str,
        typer.Option(
            envvar=settings.ENV_MODEL_TAG,
            help="Model tag in the BentoML store (name:version or name:latest).",
        ),
    ] = settings.DEFAULT_MODEL_TAG,
    features: Annotated[
        Path,
        typer.Option(
            envvar=settings.ENV_FEATURES_DIR,
            help="Folder of the known clients' feature tables (from `credit-scoring features`).",
        ),
    ] = settings.DEFAULT_FEATURES_DIR,
    request_log: Annotated[
        Path,
        typer.Option(
            envvar=settings.ENV_REQUEST_LOG_DIR,
            help="Folder of the request log (scored applications, for drift monitoring).",
        ),
    ] = settings.DEFAULT_REQUEST_LOG_DIR,
    host: Annotated[
        str, typer.Option(help="Address to bind; 0.0.0.0 to accept remote calls.")
    ] = "127.0.0.1",
    batching: Annotated[
        bool,
        typer.Option("--batching/--no-batching", help="Adaptive batching of single /score calls."),
    ] = True,
) -> None:
    """Serve the scoring API, its metrics and the dashboard (Ctrl-C stops it)."""
    check_features(features)
    tag = check_model(model)
    command, env = server_command(
        port=port,
        model=tag,
        features=features,
        request_log=request_log,
        host=host,
        batching=batching,
    )
    typer.echo(f"serving {tag} on http://{host}:{port} (docs at /, dashboard at /ui)", err=True)
    try:
        status = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        status = 0
    raise typer.Exit(status)
