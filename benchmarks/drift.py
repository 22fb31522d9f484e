"""Time and peak memory of a drift report: top-100 features and the full width, 50,000 rows.

    .venv/bin/python benchmarks/drift.py --applicants 30000 [--model credit_model:latest]

Generates a baseline population (the reference) and a ``younger`` one (the current data),
builds their features, and brings the current table to ``--current-rows`` rows (drawn with
replacement when the population is smaller). Each case runs ``monitoring.job.run_drift``,
exactly what ``credit-scoring drift`` runs, in a fresh process, so that its peak resident
memory is its own; imports (Evidently, LightGBM, BentoML: 10-30 s) are timed apart. CPU
seconds are printed beside wall seconds: on a busy machine they are the idle-machine figure. Without
``--model`` the "top" features are the table's first ones (no importance to rank by).
Target: the top-100 case in at most 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Import the project's packages, not this folder's scripts (benchmarks/features.py).
sys.path[0] = str(REPO)
TARGET_SECONDS = 30.0


def _case(args: argparse.Namespace) -> None:
    """One measured report in this process; prints its figures as JSON."""
    start = time.perf_counter()
    import bentoml  # noqa: F401  (the command imports these on its way: timed apart)
    import evidently  # noqa: F401
    import lightgbm  # noqa: F401

    from monitoring.job import run_drift
    from monitoring.sources import open_source

    import_seconds = time.perf_counter() - start
    base_mb = _peak_mb()
    columns = None
    if not args.model and args.top > 0:  # no importance without a model: the first columns
        columns = open_source(args.reference).features[: args.top]
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    run = run_drift(
        args.reference,
        args.current,
        Path(args.out),
        top=args.top,
        columns=columns,
        model_tag=args.model,
        sample=args.sample,
        show=False,
    )
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_start
    peak_mb = _peak_mb()
    html_mb = (Path(args.out) / "drift_report.html").stat().st_size / 2**20
    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu,
                "import_seconds": import_seconds,
                "peak_mb": peak_mb,
                "base_mb": base_mb,
                "columns": run.summary["columns_checked"],
                "sampled": run.summary["current"]["sampled"],
                "share": run.summary["drifted_share"],
                "html_mb": html_mb,
            }
        )
    )


def _peak_mb() -> float:
    """Peak resident memory of this process (``VmHWM``; unlike ``ru_maxrss``, it does not
    carry over the parent's peak through ``exec``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def _cpu_seconds() -> float:
    """CPU time of this process: what the wall time would be on an idle machine (one thread)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _prepare(args: argparse.Namespace, work: Path) -> tuple[Path, Path]:
    """Reference and current feature tables (generated and built once per work folder)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from features.build import build_features
    from features.synthetic import generate

    tables = {}
    for name, seed, scenario in (("reference", 1, "baseline"), ("current", 2, "younger")):
        raw, features = work / f"{name}-raw", work / f"{name}-features"
        if not (features / "train.parquet").is_file():
            started = time.perf_counter()
            generate(raw, applicants=args.applicants, seed=seed, scenario=scenario)
            build_features(raw, features)
            print(f"prepared {name}: {scenario} n={args.applicants} "
                  f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        tables[name] = features
    current = work / f"current-{args.current_rows}.parquet"
    if not current.is_file():
        parts = [pq.read_table(tables["current"] / n) for n in ("train.parquet", "test.parquet")]
        train = parts[0].select(parts[1].column_names).cast(parts[1].schema)
        both = pa.concat_tables([train, parts[1]])
        rows = np.random.default_rng(0).choice(
            both.num_rows, size=args.current_rows, replace=both.num_rows < args.current_rows
        )
        pq.write_table(both.take(rows), current)
    return tables["reference"] / "train.parquet", current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=30_000, help="Applicants per population.")
    parser.add_argument("--current-rows", type=int, default=50_000, help="Rows of current data.")
    parser.add_argument("--model", default="", help="Model tag ranking the features (optional).")
    parser.add_argument("--work", default="", help="Folder kept between runs (default: temp).")
    parser.add_argument("--full-width", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--case", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    parser.add_argument("--current", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--top", type=int, default=100, help=argparse.SUPPRESS)
    parser.add_argument("--sample", type=int, default=20_000, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        _case(args)
        return
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-drift-"))
    work.mkdir(parents=True, exist_ok=True)
    reference, current = _prepare(args, work)
    cases = [("top100 sample=20000", 100, 20_000), ("top100 all rows", 100, 0)]
    if args.full_width:
        cases.append(("full width sample=20000", 0, 20_000))
    for name, top, sample in cases:
        command = [sys.executable, __file__, "--case", "--reference", str(reference),
                   "--current", str(current), "--out", str(work / "out"), "--top", str(top),
                   "--sample", str(sample), "--model", args.model]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
        if done.returncode != 0:
            print(f"drift {name}: failed\n{done.stderr[-2000:]}", flush=True)
            continue
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"drift {name:<24} rows={args.current_rows} sampled={figures['sampled']} "
            f"cols={figures['columns']:<4} {figures['seconds']:6.1f} s "
            f"({figures['seconds'] / TARGET_SECONDS:.2f}x the 30 s target)  "
            f"cpu {figures['cpu_seconds']:.1f} s  "
            f"peak {figures['peak_mb']:.0f} MB (+{figures['peak_mb'] - figures['base_mb']:.0f} "
            f"over imports)  import {figures['import_seconds']:.1f} s  "
            f"html {figures['html_mb']:.1f} MB  drifted share {figures['share']:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
