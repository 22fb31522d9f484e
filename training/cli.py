"""``credit-scoring train``: train, choose the threshold, save the model, write the note."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credit_scoring.settings import (
    DEFAULT_FEATURES_DIR,
    DEFAULT_REPORTS_DIR,
    ENV_FEATURES_DIR,
    ENV_REPORTS_DIR,
)


def _positive(value: float) -> float:
    if not value > 0:
        raise typer.BadParameter(f"must be a positive number, got {value:g}")
    return value


def train_command(
    features: Annotated[
        Path,
        typer.Option(
            "--features", envvar=ENV_FEATURES_DIR,
            help="Feature table folder (train.parquet, manifest.json).",
        ),
    ] = DEFAULT_FEATURES_DIR,
    cost_fn: Annotated[
        float,
        typer.Option(
            "--cost-fn", callback=_positive,
            help="Cost of accepting a client who defaults (false negative).",
        ),
    ] = 10.0,
    cost_fp: Annotated[
        float,
        typer.Option(
            "--cost-fp", callback=_positive,
            help="Cost of refusing a client who would have repaid (false positive).",
        ),
    ] = 1.0,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Cross-validation folds.")] = 5,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of folds, resampling and LightGBM.")
    ] = 42,
    reports: Annotated[
        Path,
        typer.Option(
            "--reports", envvar=ENV_REPORTS_DIR,
            help="The methodology note goes to REPORTS/<model tag>/.",
        ),
    ] = DEFAULT_REPORTS_DIR,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show progress bars.")
    ] = True,
) -> None:  # fmt: skip
    """Train LightGBM, pick the business-cost threshold, save credit_model, write the note."""
    from training.data import FeatureTableError
    from training.train import train

    try:
        run = train(
            features, cost_fn=cost_fn, cost_fp=cost_fp, folds=folds, seed=seed,
            reports_dir=reports, progress=progress,
        )  # fmt: skip
    except (FeatureTableError, ValueError) as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(2) from None
    m = run.metrics
    typer.echo(
        f"{run.tag} strategy={run.strategy} auc={m['auc']:.4f} "
        f"business_cost={m['business_cost']:.4f} threshold={run.threshold:.4f} "
        f"note={run.note_html}"
    )
