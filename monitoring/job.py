"""The drift job from end to end: open both sources, sample, compare, write the files.

One function for the command, the demo and the benchmark, so that they measure and run the
same thing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from credit_scoring.logs import get_logger, progress
from monitoring.drift import DriftRun, choose_columns, drift_report, with_scores, write_outputs
from monitoring.sources import PREDICTION, DriftInputError, model_source, open_source

log = get_logger(__name__)


def run_drift(
    reference: str,
    current: str,
    out: Path,
    *,
    top: int = 20,
    columns: list[str] | None = None,
    model_tag: str = "",
    alert_share: float = 0.3,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
    sample: int = 20_000,
    seed: int = 42,
    show: bool = True,
) -> DriftRun:
    """Compare ``current`` with ``reference`` and write the report files in ``out``.

    Parameters
    ----------
    reference, current : str
        A model tag (its stored reference sample), a feature table (``.parquet`` file or
        features folder) or a request log folder; see ``monitoring.sources``.
    out : Path
        Folder for ``drift_report.html``, ``drift_report.json``, ``summary.json``, ``drift.prom``.
    top : int
        Compare the model's ``top`` most important features (all shared ones when <= 0).
    columns : list of str, optional
        Compare these features instead.
    model_tag : str
        Model for importance and scores when ``reference`` is a table ("" for none).
    alert_share : float
        Alert when this share of the compared features drifted.
    since, until : datetime or str, optional
        Time window of a request log.
    sample : int
        Rows drawn from each side (all when <= 0).
    seed : int
        Seed of the draw.
    show : bool
        Progress bars on stderr.
    """
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
    model: Any = model_source(model_tag).model if model_tag else ref.model
    chosen = choose_columns(ref, cur, model=model, top=top, columns=columns or None)
    next(steps)
    needed = [*chosen, *(model.feature_names if model is not None else []), PREDICTION]
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
