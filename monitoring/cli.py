"""``credit-scoring drift``: an Evidently drift report between a reference and current data.

Evidently, LightGBM and BentoML are imported inside the command, so that ``--help`` and a
bad option answer at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from credit_scoring.logs import get_logger
from credit_scoring.settings import DEFAULT_MODEL_TAG
from monitoring.metrics import DEFAULT_DRIFT_DIR, ENV_DRIFT_DIR

log = get_logger(__name__)


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
    from monitoring.sources import DriftInputError

    if not 0 < alert_share <= 1:
        raise typer.BadParameter(
            f"must be in (0, 1], got {alert_share}", param_hint="--alert-share"
        )
    chosen = [c.strip() for c in columns.split(",") if c.strip()]
    try:
        run: DriftRun = _run(
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


def _run(
    reference: str,
    current: str,
    out: Path,
    *,
    top: int,
    columns: list[str],
    model_tag: str,
    alert_share: float,
    since: str | None,
    until: str | None,
    sample: int,
    seed: int,
    show: bool,
):
    """The steps of the command, each announced on the progress line."""
    from credit_scoring.logs import progress
    from monitoring.drift import choose_columns, drift_report, with_scores, write_outputs
    from monitoring.sources import DriftInputError, model_source, open_source

    steps = progress(
        iter(["open sources", "sample rows", "evidently report", "write files"]),
        desc="drift",
        total=4,
        enabled=show,
        unit="step",
    )
    next(steps)
    ref = open_source(reference, since=since, until=until)
    cur = open_source(current, since=since, until=until)
    model = ref.model
    if model_tag:
        model = model_source(model_tag).model
    chosen = choose_columns(ref, cur, model=model, top=top, columns=columns or None)
    next(steps)
    needed = [*chosen, *(model.feature_names if model is not None else []), "prediction"]
    ref_frame = with_scores(ref.load(needed, sample=sample, seed=seed, show=show), ref, model)
    cur_frame = with_scores(cur.load(needed, sample=sample, seed=seed + 1, show=show), cur, model)
    next(steps)
    if cur_frame.empty:
        raise DriftInputError(f"{cur.label}: no rows")
    run = drift_report(ref_frame, cur_frame, chosen, alert_share=alert_share)
    run.summary.update(
        reference={"source": ref.label, "rows": ref.rows, "sampled": len(ref_frame)},
        current={"source": cur.label, "rows": cur.rows, "sampled": len(cur_frame)},
        model=model.tag if model is not None else None,
    )
    next(steps)
    paths = write_outputs(run, out)
    log.info(
        "event=drift_report html=%s summary=%s share=%.3f alert=%s",
        paths["html"],
        paths["summary"],
        run.summary["drifted_share"],
        run.alert,
    )
    for _ in steps:
        pass
    return run
