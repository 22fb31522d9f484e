"""``credit-scoring generate``: write the embedded default data (Kaggle-shaped CSVs)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from credit_scoring.settings import DEMO_APPLICANTS, ENV_RAW_DIR
from features.synthetic.scenarios import SCENARIOS

_SCENARIO_HELP = (
    "Population to draw, for drift drills: "
    + "; ".join(f"{name} ({scenario.description})" for name, scenario in SCENARIOS.items())
    + "."
)


def _fail(message: str) -> typer.Exit:
    """Print ``message`` as one line on stderr and return the exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def generate_command(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            envvar=ENV_RAW_DIR,
            help="Folder to write the 8 CSVs and truth/ into (created if needed).",
        ),
    ],
    applicants: Annotated[
        int,
        typer.Option(
            "--applicants",
            help="Number of train applicants; the test file gets 48,744/307,511 of that. "
            "307511 gives Kaggle's full size (about 2.5 GB).",
        ),
    ] = DEMO_APPLICANTS,
    seed: Annotated[
        int,
        typer.Option(
            "--seed",
            help="Random seed: the same seed, size and scenario give byte-identical files.",
        ),
    ] = 42,
    scenario: Annotated[str, typer.Option("--scenario", help=_SCENARIO_HELP)] = "baseline",
) -> None:
    """Write Kaggle's 8 Home Credit CSVs with a known default mechanism, plus the ground truth."""
    from features.synthetic.generation import generate

    if applicants < 1:
        raise _fail(f"--applicants must be at least 1, got {applicants}")
    if scenario not in SCENARIOS:
        raise _fail(f"unknown --scenario {scenario!r}; choose one of: {', '.join(SCENARIOS)}")
    try:
        summary = generate(out, applicants=applicants, seed=seed, scenario=scenario, progress=True)
    except (ValueError, OSError) as error:
        raise _fail(str(error)) from None
    typer.echo(summary.line())
