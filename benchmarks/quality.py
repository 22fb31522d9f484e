"""Model quality against the oracle and an application-only model, and the time of each stage.

    .venv/bin/python benchmarks/quality.py --applicants 30000

Generates a population (``features.synthetic.generate``), builds its features
(``features.build.build_features``), trains (``training.train.train``), then prints the
out-of-fold AUC and business cost of the model next to:

- the oracle: the generator's true probability of default (``truth/ground_truth.csv``),
  at its own cost-optimal threshold; no model can expect to beat it;
- an application-only model: the same training on the features whose manifest source
  is the application table, i.e. without any credit history.

Targets (training issue): AUC at least oracle - 0.02 at 30,000 applicants and
oracle - 0.01 at full size (307,511); history features clearly better than
application-only; 30,000 applicants end to end in at most 2 minutes on 2 cores.
The models go to a temporary BentoML store unless ``--bentoml-home`` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: The manifest source of the features that need no credit history.
APPLICATION_SOURCE = "application"


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="Folder for raw data, features and notes (default: temporary).",
    )
    parser.add_argument(
        "--bentoml-home",
        type=Path,
        default=None,
        help="BentoML store to save into (default: temporary).",
    )
    parser.add_argument("--skip-app-only", action="store_true")
    parser.add_argument("--log", action="store_true", help="Log each stage and fold to stderr.")
    return parser.parse_args()  # fmt: skip


def _application_only(features: Path, out: Path) -> Path:
    """A copy of the feature table restricted to the application table's features."""
    import pandas as pd

    manifest = json.loads((features / "manifest.json").read_text())
    kept = [f for f in manifest["features"] if f.get("source") == APPLICATION_SOURCE]
    out.mkdir(parents=True, exist_ok=True)
    names = [f["name"] for f in kept]
    columns = [manifest.get("id_column", "SK_ID_CURR"), manifest.get("target_column", "TARGET")]
    pd.read_parquet(features / "train.parquet", columns=columns + names).to_parquet(
        out / "train.parquet", index=False
    )
    (out / "manifest.json").write_text(json.dumps({**manifest, "features": kept}))
    return out


def _oracle(raw: Path, features: Path, costs) -> dict:
    """AUC and business cost of the true probability of default on the training rows."""
    import pandas as pd
    from sklearn.metrics import roc_auc_score

    from training.cost import best_threshold

    truth = pd.read_csv(raw / "truth" / "ground_truth.csv")
    train = pd.read_parquet(features / "train.parquet", columns=["SK_ID_CURR", "TARGET"])
    merged = train.merge(truth[["SK_ID_CURR", "TRUE_PD"]], on="SK_ID_CURR", how="left")
    if merged["TRUE_PD"].isna().any():
        raise SystemExit(f"{raw}/truth/ground_truth.csv lacks TRUE_PD for some train rows")
    p, y = merged["TRUE_PD"].to_numpy(), merged["TARGET"].to_numpy()
    choice = best_threshold(p, y, costs)
    return {"auc": float(roc_auc_score(y, p)), "business_cost": choice.cost,
            "threshold": choice.threshold}  # fmt: skip


def main() -> None:
    args = _parse()
    store = args.bentoml_home or Path(tempfile.mkdtemp(prefix="quality-bentoml-"))
    os.environ["BENTOML_HOME"] = str(store)  # before bentoml is imported
    os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")
    work = args.work or Path(tempfile.mkdtemp(prefix="quality-"))
    raw, features, reports = work / "raw", work / "features", work / "reports"

    load_before = os.getloadavg()[0]
    started, cpu_started = time.perf_counter(), time.process_time()
    from features.build import build_features
    from features.synthetic import generate
    from training.cost import CostMatrix
    from training.train import train

    if args.log:
        from credit_scoring.logs import setup_logging

        setup_logging()
    imports = time.perf_counter() - started

    t0 = time.perf_counter()
    generate(raw, applicants=args.applicants, seed=args.seed, progress=False)
    t_generate = time.perf_counter() - t0

    t0 = time.perf_counter()
    build_features(raw, features, progress=False)
    t_features = time.perf_counter() - t0

    t0 = time.perf_counter()
    run = train(features, folds=args.folds, seed=args.seed, reports_dir=reports, progress=False)
    t_train = time.perf_counter() - t0
    end_to_end = time.perf_counter() - started
    cpu = time.process_time() - cpu_started

    oracle = _oracle(raw, features, CostMatrix())
    m = run.metrics
    n = args.applicants
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in run.timings.items())
    print(
        f"quality applicants={n} rows={m['n_rows']} features={m['n_features']} "
        f"default_rate={m['default_rate']:.4f} strategy={run.strategy}"
    )
    print(f"time imports      {imports:7.1f} s")
    print(f"time generate     {t_generate:7.1f} s")
    print(f"time features     {t_features:7.1f} s")
    print(f"time train        {t_train:7.1f} s  ({stages})")
    budget = 120.0 if n <= 30_000 else 1800.0
    print(
        f"time end-to-end   {end_to_end:7.1f} s  {end_to_end / budget:.2f}x budget "
        f"({budget:.0f} s); cpu {cpu:.1f} s on {os.cpu_count()} cores, load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    print(
        f"model     auc={m['auc']:.4f}  cost={m['business_cost']:.4f}  "
        f"threshold={run.threshold:.4f}"
    )
    target = 0.02 if n <= 30_000 else 0.01
    gap = m["auc"] - oracle["auc"]
    print(
        f"oracle    auc={oracle['auc']:.4f}  cost={oracle['business_cost']:.4f}  "
        f"threshold={oracle['threshold']:.4f}  model-oracle auc {gap:+.4f} "
        f"(target >= {-target:+.2f}: {'met' if gap >= -target else 'MISSED'})  "
        f"cost ratio {m['business_cost'] / oracle['business_cost']:.3f}x"
    )
    if not args.skip_app_only:
        t0 = time.perf_counter()
        app = train(
            _application_only(features, work / "features-app"),
            folds=args.folds,
            seed=args.seed,
            reports_dir=reports,
            progress=False,
            strategies=(run.strategy,),
        )
        t_app = time.perf_counter() - t0
        a = app.metrics
        print(
            f"app-only  auc={a['auc']:.4f}  cost={a['business_cost']:.4f}  "
            f"features={a['n_features']}  history gain auc {m['auc'] - a['auc']:+.4f}, "
            f"cost {m['business_cost'] - a['business_cost']:+.4f}  ({t_app:.1f} s)"
        )
    print(f"note      {run.note_html}")
    if args.bentoml_home is None:
        shutil.rmtree(store, ignore_errors=True)  # the temporary store, not the user's
    print("comparison (strategy, auc, business cost, cost at 0.5, seconds):")
    for row in run.comparison:
        mark = "*" if row["chosen"] else " "
        print(f"  {mark} {row['strategy']:<13} {row['auc']:.4f}  {row['business_cost']:.4f}  "
              f"{row['business_cost_at_0_5']:.4f}  {row['seconds']:6.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
