"""``credit-scoring features``: build the feature tables and the manifest with DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credit_scoring.settings import DEFAULT_FEATURES_DIR, ENV_FEATURES_DIR, ENV_RAW_DIR


def features_command(
    raw: Annotated[
        Path,
        typer.Option(
            "--raw",
            envvar=ENV_RAW_DIR,
            help="Kaggle's CSVs: a folder (.csv or .csv.gz) or a zip of them.",
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            envvar=ENV_FEATURES_DIR,
            help="Where train.parquet, test.parquet, applications.parquet and manifest.json go.",
        ),
    ] = DEFAULT_FEATURES_DIR,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show a progress bar.")
    ] = True,
) -> None:
    """Build the feature tables (one row per applicant) and the manifest from the raw CSVs."""
    from features.build import build_features
    from features.raw import RawDataError

    try:
        summary = build_features(raw, out, progress=progress)
    except RawDataError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    for line in summary.lines():
        typer.echo(line)
