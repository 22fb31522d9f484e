"""``credit-scoring serve``: run the Bento service (API, /metrics and the dashboard).

The command checks what the service needs before starting it, so that a missing model
or feature table is a one-line error instead of a worker traceback, then runs
``bentoml serve service.service:CreditScoring`` with the configuration in its environment.
``server_command`` builds that command line and environment; the tests and the load
benchmark start their servers with it too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from credit_scoring import settings

#: The service, as ``bentoml serve`` imports it.
SERVICE_IMPORT = "service.service:CreditScoring"
#: The folder holding the ``service`` package (``bentoml serve``'s working directory).
PROJECT_DIR = Path(__file__).resolve().parents[1]
FEATURE_FILES = ("train.parquet", "test.parquet", "applications.parquet", "manifest.json")


def server_command(
    *,
    port: int,
    model: str,
    features: Path,
    request_log: Path,
    host: str = "127.0.0.1",
    batching: bool = True,
    token: str | None = None,
) -> tuple[list[str], dict[str, str]]:
    """The ``bentoml serve`` command line and environment for these settings.

    Paths are made absolute, so that the server reads what the caller meant whatever
    its working directory.
    """
    env = dict(os.environ)
    env.update(
        {
            settings.ENV_MODEL_TAG: model,
            settings.ENV_FEATURES_DIR: str(Path(features).resolve()),
            settings.ENV_REQUEST_LOG_DIR: str(Path(request_log).resolve()),
            "CREDIT_SCORE_BATCHING": "on" if batching else "off",
            "BENTOML_DO_NOT_TRACK": env.get("BENTOML_DO_NOT_TRACK", "True"),
        }
    )
    if token:
        env[settings.ENV_API_TOKEN] = token
    command = [
        sys.executable,
        "-m",
        "bentoml",
        "serve",
        SERVICE_IMPORT,
        "--host",
        host,
        "--port",
        str(port),
        "--working-dir",
        str(PROJECT_DIR),
    ]
    return command, env


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
