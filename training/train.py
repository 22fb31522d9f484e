"""Train ``credit_model``: compare imbalance strategies, cross-validate, calibrate,
choose the business-cost threshold, refit, save to the BentoML store, write the note.

The stages, in order:

1. read and check the feature table (``training.data``);
2. compare the imbalance strategies on the same stratified folds (at most
   ``COMPARISON_FOLDS`` folds on at most ``COMPARISON_MAX_ROWS`` rows, at twice the
   learning rate, to stay within the time budget), choose the one of lowest
   business cost;
3. ``folds``-fold cross-validation of the chosen strategy on every row: out-of-fold
   (OOF) log-odds (reused from step 2 when step 2 already was exactly this);
4. Platt calibration on the OOF log-odds, then the threshold minimising the business
   cost on the calibrated OOF probabilities;
5. refit on every row for the folds' typical number of rounds;
6. save the model with its documents (``training.bundle``), write the note
   (``training.report``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from credit_scoring.logs import get_logger
from training.calibration import PlattCalibration, calibration_report, fit_platt
from training.cost import CostMatrix, application_costs, best_threshold, decision_metrics
from training.cv import (
    BoosterConfig,
    CVResult,
    binned_dataset,
    cross_validate,
    fit_final,
    stratified_splits,
)
from training.data import FeatureTable, FeatureTableError, load_feature_table
from training.fairness import fairness_report
from training.imbalance import STRATEGIES, check_strategies, choose_strategy

log = get_logger(__name__)

#: The strategy comparison runs on at most this many rows and folds (speed budget).
COMPARISON_MAX_ROWS = 60_000
COMPARISON_FOLDS = 3
#: Rows kept with the model as the drift reference.
REFERENCE_ROWS = 20_000


@dataclass
class TrainingRun:
    """What a training run produced: the stored tag, its figures and where the note is."""

    tag: str
    strategy: str
    threshold: float
    metrics: dict
    comparison: list[dict]
    note_dir: Path
    timings: dict[str, float] = field(default_factory=dict)
    oof_probability: np.ndarray | None = None

    @property
    def note_md(self) -> Path:
        return self.note_dir / "note.md"

    @property
    def note_html(self) -> Path:
        return self.note_dir / "note.html"


@dataclass
class _Comparison:
    rows: list[dict]
    results: dict[str, CVResult]
    covers_main_cv: bool


def _sigmoid(raw: np.ndarray) -> np.ndarray:
    return PlattCalibration().probability(raw)


def _compare(
    data, table: FeatureTable, X: np.ndarray, strategies: tuple[str, ...], *, folds: int,
    seed: int, config: BoosterConfig, costs: CostMatrix, show_progress: bool,
) -> _Comparison:  # fmt: skip
    """Cross-validate every strategy on the same folds and rank them by business cost."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    y = table.y
    everything = np.arange(len(y))
    # A single strategy needs no comparison: its run is the main cross-validation.
    single = len(strategies) == 1
    k = folds if single else min(folds, COMPARISON_FOLDS)
    subsample = not single and len(y) > COMPARISON_MAX_ROWS
    covers_main_cv = not subsample and k == folds
    rows = everything
    if subsample:
        rows, _ = train_test_split(
            everything, train_size=COMPARISON_MAX_ROWS, stratify=y, random_state=seed
        )
        rows = np.sort(rows)
    splits = stratified_splits(y, rows, k, seed)
    run_config = config if covers_main_cv else config.faster()
    results: dict[str, CVResult] = {}
    table_rows = []
    per_application: dict[str, np.ndarray] = {}
    for strategy in strategies:
        result = cross_validate(
            data, X, y, splits, strategy=strategy, config=run_config, seed=seed,
            show_progress=show_progress, desc="imbalance comparison",
        )  # fmt: skip
        results[strategy] = result
        scored = result.rows
        p = _sigmoid(result.oof_raw[scored])
        choice = best_threshold(p, y[scored], costs)
        per_application[strategy] = application_costs(y[scored], p >= choice.threshold, costs)
        table_rows.append(
            {
                "strategy": strategy,
                "description": STRATEGIES[strategy],
                "auc": float(roc_auc_score(y[scored], p)),
                "business_cost": choice.cost,
                "business_cost_at_0_5": decision_metrics(p, y[scored], 0.5, costs)["business_cost"],
                "mean_probability": float(p.mean()),
                "rounds": int(np.median([f.best_iteration for f in result.folds])),
                "seconds": result.seconds,
                "rows": len(scored),
                "folds": k,
                "learning_rate": run_config.learning_rate,
            }
        )
        log.info(
            "strategy=%s auc=%.4f business_cost=%.4f seconds=%.1f",
            strategy, table_rows[-1]["auc"], choice.cost, result.seconds,
        )  # fmt: skip
    chosen, gaps = choose_strategy(per_application)
    for row in table_rows:
        row["chosen"] = row["strategy"] == chosen
        row["cost_gap_se"] = gaps[row["strategy"]]
    return _Comparison(rows=table_rows, results=results, covers_main_cv=covers_main_cv)


def _check_folds(folds: int, y: np.ndarray, table: FeatureTable) -> None:
    minority = int(min(np.sum(y == 1), np.sum(y == 0)))
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    if minority < folds:
        raise FeatureTableError(
            f"{table.folder / 'train.parquet'}: only {minority} rows of the rarer class, "
            f"fewer than the {folds} folds"
        )


def train(
    features_dir: Path,
    *,
    cost_fn: float = 10,
    cost_fp: float = 1,
    folds: int = 5,
    seed: int = 42,
    reports_dir: Path = Path("reports"),
    strategies: tuple[str, ...] = tuple(STRATEGIES),
    progress: bool = True,
    config: BoosterConfig | None = None,
) -> TrainingRun:
    """Train, calibrate, choose the threshold, save ``credit_model`` and write its note.

    Parameters
    ----------
    features_dir : Path
        Folder with ``train.parquet`` and ``manifest.json`` (``credit-scoring features``).
    cost_fn, cost_fp : float
        Cost of accepting a defaulter, of refusing a good client (positive).
    folds : int
        Folds of the cross-validation giving the out-of-fold predictions.
    seed : int
        Seeds the folds, the resampling and LightGBM.
    reports_dir : Path
        The note goes to ``reports_dir/<model tag>/``.
    strategies : tuple of str
        Imbalance strategies to compare (``training.imbalance.STRATEGIES``).
    progress : bool
        Show progress bars.
    config : BoosterConfig, optional
        LightGBM settings; the defaults are tuned for 2 cores.

    Returns
    -------
    TrainingRun
        ``.tag`` is the saved model's tag, ``credit_model:<version>``.
    """
    from training.bundle import load_model, save_model
    from training.report import write_note

    costs = CostMatrix(c_fn=cost_fn, c_fp=cost_fp)
    strategies = check_strategies(strategies)
    config = config or BoosterConfig()
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = now - clock
        clock = now
        log.info("stage=%s seconds=%.1f", stage, timings[stage])

    table = load_feature_table(Path(features_dir))
    y = table.y
    _check_folds(folds, y, table)
    X = table.X.to_numpy(dtype=np.float64)
    data = binned_dataset(X, y, table.feature_names, config)
    log.info(
        "feature table rows=%d features=%d default_rate=%.4f",
        len(y), X.shape[1], float(y.mean()),
    )  # fmt: skip
    lap("load")

    comparison = _compare(
        data, table, X, strategies, folds=folds, seed=seed, config=config, costs=costs,
        show_progress=progress,
    )  # fmt: skip
    strategy = next(r["strategy"] for r in comparison.rows if r["chosen"])
    log.info("chosen strategy=%s (simplest within one standard error of the cheapest)", strategy)
    lap("compare")

    if comparison.covers_main_cv:
        cv = comparison.results[strategy]
    else:
        splits = stratified_splits(y, np.arange(len(y)), folds, seed)
        cv = cross_validate(
            data, X, y, splits, strategy=strategy, config=config, seed=seed,
            show_progress=progress,
        )  # fmt: skip
    lap("cross_validate")

    calibration = fit_platt(cv.oof_raw, y)
    uncalibrated = _sigmoid(cv.oof_raw)
    oof = calibration.probability(cv.oof_raw)
    choice = best_threshold(oof, y, costs)
    metrics = decision_metrics(oof, y, choice.threshold, costs)
    lap("calibrate")

    rounds = cv.refit_rounds()
    booster = fit_final(data, X, y, strategy=strategy, config=config, rounds=rounds, seed=seed)
    lap("refit")

    reference = _reference_sample(table, booster, calibration, seed)
    refused = oof >= choice.threshold
    metrics.update(
        {
            "n_rows": len(y),
            "n_features": X.shape[1],
            "default_rate": float(y.mean()),
            "folds": folds,
            "seed": seed,
            "imbalance_strategy": strategy,
            "cost_fn": costs.c_fn,
            "cost_fp": costs.c_fp,
            "bayes_threshold": costs.bayes_threshold,
            "refit_rounds": rounds,
            "fold_auc": [f.auc for f in cv.folds],
            "fold_best_iteration": [f.best_iteration for f in cv.folds],
            "calibration": {
                "method": calibration.method,
                "slope": calibration.slope,
                "intercept": calibration.intercept,
                "before": calibration_report(uncalibrated, y),
                "after": calibration_report(oof, y),
            },
            "comparison": comparison.rows,
            "fairness": fairness_report(table, refused),
            "booster": config.to_dict(),
            "timings": dict(timings),
        }
    )
    tag = save_model(
        booster,
        threshold=choice.threshold,
        cost_fn=costs.c_fn,
        cost_fp=costs.c_fp,
        calibration=calibration,
        strategy=strategy,
        manifest=table.manifest,
        metrics=metrics,
        reference=reference,
        fingerprint=table.fingerprint,
        feature_table=table.folder,
    )
    log.info(
        "saved tag=%s auc=%.4f business_cost=%.4f threshold=%.4f",
        tag, metrics["auc"], metrics["business_cost"], choice.threshold,
    )  # fmt: skip
    lap("save")

    note_dir = Path(reports_dir) / tag
    model = load_model(tag)
    write_note(
        note_dir,
        model=model,
        table=table,
        oof_probability=oof,
        costs=costs,
        timings=timings,
        seed=seed,
    )
    lap("note")
    return TrainingRun(
        tag=tag,
        strategy=strategy,
        threshold=choice.threshold,
        metrics=metrics,
        comparison=comparison.rows,
        note_dir=note_dir,
        timings=timings,
        oof_probability=oof,
    )


def _reference_sample(
    table: FeatureTable, booster, calibration: PlattCalibration, seed: int
) -> pd.DataFrame:
    """Up to ``REFERENCE_ROWS`` training rows with the final model's probability."""
    rng = np.random.default_rng(seed)
    n = len(table.y)
    rows = np.sort(rng.choice(n, size=min(n, REFERENCE_ROWS), replace=False))
    sample = table.X.iloc[rows].reset_index(drop=True)
    raw = booster.predict(sample.to_numpy(dtype=np.float64), raw_score=True)
    return sample.assign(prediction=calibration.probability(raw))
