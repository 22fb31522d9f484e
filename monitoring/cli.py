"""``credit-scoring drift``: an Evidently drift report between a reference and current data.

Evidently, LightGBM and BentoML are imported inside the command, so that ``--help`` and a
bad option answer at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from credit_scoring.settings import DEFAULT_DRIFT_DIR, DEFAULT_MODEL_TAG, ENV_DRIFT_DIR


def drift_command(
    current: Annotated[
        str,
        typer.Option(
            "--current", help="Feature table (.parquet or features folder) or request log folder."
        ),
    ],
    reference: Annotated[
        str,
        typer.Option(
            "--reference",
            help="Model tag (its stored training sample) or feature table (.parquet or folder).",
        ),
    ] = DEFAULT_MODEL_TAG,
    out: Annotated[
        Path, typer.Option("--out", envvar=ENV_DRIFT_DIR, help="Folder for the report files.")
    ] = DEFAULT_DRIFT_DIR,
    features: Annotated[
        int,
        typer.Option(
            "--features", help="Compare the model's N most important features (0: all shared)."
        ),
    ] = 20,
    columns: Annotated[
        str, typer.Option("--columns", help="Compare these features instead (comma-separated).")
    ] = "",
    model_tag: Annotated[
        str,
        typer.Option(
            "--model", help="Model for importance and scores when the reference is a table."
        ),
    ] = "",
    alert_share: Annotated[
        float, typer.Option("--alert-share", help="Alert (exit 1) when this share drifted.")
    ] = 0.3,
    since: Annotated[
        str, typer.Option("--since", help="Request log: from this UTC time (ISO).")
    ] = "",
    until: Annotated[
        str, typer.Option("--until", help="Request log: before this UTC time (ISO).")
    ] = "",
    sample: Annotated[
        int, typer.Option("--sample", help="Rows drawn from each side (0: all rows).")
    ] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the row sample.")] = 42,
    show_progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Progress on stderr.")
    ] = True,
) -> None:
    """Compare current data with the reference: HTML + JSON report, summary, Prometheus file."""
    from monitoring.drift import DriftRun
    from monitoring.job import run_drift
    from monitoring.sources import DriftInputError

    if not 0 < alert_share <= 1:
        raise typer.BadParameter(
            f"must be in (0, 1], got {alert_share}", param_hint="--alert-share"
        )
    chosen = [c.strip() for c in columns.split(",") if c.strip()]
    try:
        run: DriftRun = run_drift(
            reference,
            current,
            out,
            top=features,
            columns=chosen,
            model_tag=model_tag,
            alert_share=alert_share,
            since=since or None,
            until=until or None,
            sample=sample,
            seed=seed,
            show=show_progress,
        )
    except DriftInputError as error:
        print(f"error: {error}", file=sys.stderr)
        raise typer.Exit(2) from None
    print(run.line())
    if run.alert:
        raise typer.Exit(1)
