"""``credit-scoring demo``: the whole platform on the embedded default, from nothing.

Generates Kaggle-shaped data, builds the feature tables, trains and stores a model
with its methodology note, writes a first drift report, then serves the API and the
dashboard on localhost. Stages whose output is already there are reused, so a second
``demo`` starts serving in seconds; ``--fresh`` rebuilds everything.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from credit_scoring.logs import get_logger
from credit_scoring.settings import (
    DEFAULT_FEATURES_DIR,
    DEFAULT_RAW_DIR,
    DEFAULT_REPORTS_DIR,
    DEMO_APPLICANTS,
    ENV_DRIFT_DIR,
    ENV_FEATURES_DIR,
    ENV_RAW_DIR,
    ENV_REPORTS_DIR,
    env_path,
)

log = get_logger(__name__)


def _generated_with(raw: Path, applicants: int, seed: int) -> bool:
    """Whether ``raw`` already holds the generator's output for these options."""
    info = raw / "truth" / "generation.json"
    if not info.is_file():
        return False
    meta = json.loads(info.read_text())
    return (
        meta.get("applicants") == applicants
        and meta.get("seed") == seed
        and (meta.get("scenario", "baseline") == "baseline")
    )


def _stage(name: str) -> None:
    typer.secho(f"\n== {name}", fg=typer.colors.CYAN, bold=True, err=True)


def demo_command(
    raw: Annotated[
        Path, typer.Option(envvar=ENV_RAW_DIR, help="Folder for the generated raw CSVs.")
    ] = DEFAULT_RAW_DIR,
    features: Annotated[
        Path, typer.Option(envvar=ENV_FEATURES_DIR, help="Folder for the feature tables.")
    ] = DEFAULT_FEATURES_DIR,
    reports: Annotated[
        Path,
        typer.Option(envvar=ENV_REPORTS_DIR, help="Folder for the notes and drift reports."),
    ] = DEFAULT_REPORTS_DIR,
    applicants: Annotated[
        int, typer.Option(min=100, help="Train applicants to generate.")
    ] = DEMO_APPLICANTS,
    seed: Annotated[int, typer.Option(help="Seed of the generator and the training.")] = 42,
    port: Annotated[
        int, typer.Option(min=1, max=65535, help="Port of the API and the dashboard.")
    ] = 3000,
    serve: Annotated[bool, typer.Option(help="Serve the API and dashboard at the end.")] = True,
    fresh: Annotated[
        bool, typer.Option(help="Rebuild every stage even if its output exists.")
    ] = False,
) -> None:
    """Run every stage on the embedded default data, then serve the API and dashboard."""
    from features.build import build_features
    from features.synthetic import generate
    from monitoring.job import run_drift
    from training.train import train

    _stage(f"1/5 generate {applicants:,} applicants -> {raw}")
    if fresh or not _generated_with(raw, applicants, seed):
        generate(raw, applicants=applicants, seed=seed)
    else:
        typer.echo(f"reusing the data already generated in {raw}", err=True)

    _stage(f"2/5 features -> {features}")
    if fresh or not (features / "manifest.json").is_file() or _older(features, raw):
        build_features(raw, features)
    else:
        typer.echo(f"reusing the feature tables in {features}", err=True)

    _stage("3/5 train -> BentoML store (credit_model) and methodology note")
    run = train(features, seed=seed, reports_dir=reports)
    typer.echo(f"model {run.tag}; note: {reports / run.tag / 'note.html'}", err=True)

    _stage("4/5 drift report: training reference vs the test applicants")
    # The service's drift gauges read the latest report from the same folder.
    drift_dir = env_path(ENV_DRIFT_DIR, reports / "drift")
    os.environ[ENV_DRIFT_DIR] = str(drift_dir.resolve())
    drift = run_drift(run.tag, str(features / "test.parquet"), drift_dir)
    typer.echo(drift.line(), err=True)

    if not serve:
        return
    _stage(f"5/5 serve on http://127.0.0.1:{port} (dashboard at /ui, Ctrl-C to stop)")
    from service.cli import serve_command

    serve_command(port=port, model=run.tag, features=features)


def _older(features: Path, raw: Path) -> bool:
    """Whether the feature tables are older than the raw data they come from."""
    built = (features / "manifest.json").stat().st_mtime
    sources = [p.stat().st_mtime for p in raw.glob("*.csv")]
    return bool(sources) and max(sources) > built
