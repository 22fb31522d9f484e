"""Benchmark of the data generator: time and peak memory, and how much signal it plants.

Runs ``credit-scoring generate`` in a child process (so that its peak resident memory,
numpy and Arrow buffers included, can be read from ``getrusage``), then compares on the
train applicants:

- the oracle AUC: the true probability of default against ``TARGET``;
- a quick LightGBM on the application columns alone (3-fold cross-validation);
- the same LightGBM given also the history signals the mechanism reads
  (:func:`features.synthetic.default_mechanism.history_signals`), i.e. what a feature
  pipeline could reach from the six history tables.

Usage: ``.venv/bin/python benchmarks/generate.py --applicants 30000 [--seed 42] [--out DIR]``
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Import the project's packages, not this folder's scripts (benchmarks/features.py).
sys.path[0] = str(REPO)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

FULL_APPLICANTS = 307_511
TARGET_SECONDS = 600
TARGET_GIB = 12
HISTORY = (
    "bureau",
    "previous_application",
    "POS_CASH_balance",
    "installments_payments",
    "credit_card_balance",
)


def run_generator(out: Path, applicants: int, seed: int) -> tuple[float, float, float]:
    """Generate in a child process; return its wall time (s), CPU time (s) and peak memory (GiB).

    CPU time is given because the machine is shared: the wall time depends on the load.
    """
    command = [
        sys.executable,
        "-m",
        "credit_scoring.cli",
        "generate",
        "--out",
        str(out),
        "--applicants",
        str(applicants),
        "--seed",
        str(seed),
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=REPO)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 2**20


def cross_validated_auc(features: pd.DataFrame, target: np.ndarray, seed: int) -> float:
    """Out-of-fold AUC of a small LightGBM (3 folds, early stopping on an inner split)."""
    import lightgbm as lgb
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold, train_test_split

    out_of_fold = np.zeros(len(target))
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=seed)
    for fit_rows, test_rows in folds.split(features, target):
        fit, stop = train_test_split(
            fit_rows, test_size=0.15, stratify=target[fit_rows], random_state=seed
        )
        model = lgb.LGBMClassifier(
            n_estimators=3000,
            learning_rate=0.03,
            num_leaves=15,
            min_child_samples=50,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.5,
            reg_lambda=5.0,
            n_jobs=2,
            verbose=-1,
            random_state=seed,
        )
        model.fit(
            features.iloc[fit],
            target[fit],
            eval_X=features.iloc[stop],
            eval_y=target[stop],
            eval_metric="auc",
            callbacks=[lgb.early_stopping(100, verbose=False)],
        )
        out_of_fold[test_rows] = model.predict_proba(features.iloc[test_rows])[:, 1]
    return float(roc_auc_score(target, out_of_fold))


def signal_figures(out: Path, seed: int) -> dict[str, float]:
    """Oracle AUC and the two LightGBM AUCs on the generated train applicants."""
    from sklearn.metrics import roc_auc_score

    from features.synthetic.default_mechanism import history_signals

    train = pd.read_csv(out / "application_train.csv").sort_values("SK_ID_CURR")
    truth = pd.read_csv(out / "truth" / "ground_truth.csv").set_index("SK_ID_CURR")
    target = train.pop("TARGET").to_numpy()
    ids = train.pop("SK_ID_CURR").to_numpy()
    application = train.apply(lambda c: c.astype("category") if c.dtype == object else c)
    history = {}
    for table in HISTORY:
        frame = pd.read_csv(out / f"{table}.csv")
        frame = frame[frame.SK_ID_CURR.isin(ids)]
        history[table] = {name: frame[name].to_numpy() for name in frame.columns}
    signals = pd.DataFrame(history_signals(ids, history), index=application.index)
    return {
        "oracle": float(roc_auc_score(target, truth.loc[ids, "TRUE_PD"])),
        "application": cross_validated_auc(application, target, seed),
        "with_history": cross_validated_auc(
            pd.concat([application, signals], axis=1), target, seed
        ),
        "default_rate": float(target.mean()),
        "mean_true_pd": float(truth.loc[ids, "TRUE_PD"].mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, help="keep the data here (default: a temporary folder)")
    parser.add_argument("--skip-models", action="store_true", help="time and memory only")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-generate-") as scratch:
        out = args.out or Path(scratch) / "raw"
        seconds, cpu_seconds, peak_gib = run_generator(out, args.applicants, args.seed)
        size_gb = sum(p.stat().st_size for p in out.glob("*.csv")) / 1e9
        scale = FULL_APPLICANTS / args.applicants
        full_seconds = seconds * scale
        print(
            f"generate n={args.applicants}  {seconds:.1f} s wall  {cpu_seconds:.1f} s CPU  "
            f"peak {peak_gib:.2f} GiB  {size_gb:.2f} GB of CSV  "
            f"({args.applicants / seconds:,.0f} applicants/s)"
        )
        # Memory is bounded by two chunks of applicants, so it does not grow with the size.
        print(
            f"full size (n={FULL_APPLICANTS}) "
            f"{'measured' if scale == 1 else 'by extrapolation'}  {full_seconds:.0f} s wall "
            f"({full_seconds / TARGET_SECONDS:.2f}x the {TARGET_SECONDS} s target)  "
            f"{cpu_seconds * scale:.0f} s CPU  "
            f"{size_gb * scale:.2f} GB of CSV  peak {peak_gib / TARGET_GIB:.2f}x the "
            f"{TARGET_GIB} GiB target"
        )
        if args.skip_models:
            return
        figures = signal_figures(out, args.seed)
        oracle = figures["oracle"]
        rate, mean_pd = figures["default_rate"], figures["mean_true_pd"]
        print(f"default rate {rate:.2%}  mean TRUE_PD {mean_pd:.2%}")
        print(f"oracle AUC (TRUE_PD vs TARGET)              {oracle:.4f}")
        print(
            f"LightGBM AUC, application columns only      {figures['application']:.4f}  "
            f"gap to oracle {oracle - figures['application']:.4f}"
        )
        print(
            f"LightGBM AUC, application + history signals {figures['with_history']:.4f}  "
            f"gap to oracle {oracle - figures['with_history']:.4f}"
        )


if __name__ == "__main__":
    main()
