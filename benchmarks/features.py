"""Feature build: DuckDB SQL against a straightforward pandas version, and the online vector.

    .venv/bin/python benchmarks/features.py --applicants 30000 [--seed 1]
    .venv/bin/python benchmarks/features.py --raw data/raw

Generates the raw CSVs (or takes ``--raw``), then, each in a fresh process so that its peak
resident memory is its own: the DuckDB build (``features.build.build_features``, what
``credit-scoring features`` runs) and the pandas recomputation of the same features
(``tests/reference_features.py``, the Kaggle kernel's way, writing the same two Parquet
files), side by side on the same CSVs. Then the median latency of one online feature vector
(``features.online``) over applicants with history. Imports are timed apart.
Targets at full size (307,511 applicants) on 2 cores: DuckDB within 60 s and 6 GiB, at
least 4 times faster than pandas, an online vector within 20 ms (median).
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS, TARGET_GIB, TARGET_RATIO, TARGET_ONLINE_MS = 60.0, 6.0, 4.0, 20.0


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _case(args: argparse.Namespace) -> None:
    """One measured build in this process; prints its figures as JSON."""
    start = time.perf_counter()
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    if args.case == "duckdb":
        from features.build import build_features
    else:
        import pandas as pd
        from reference_features import reference_features
    import_seconds = time.perf_counter() - start
    start, cpu_start = time.perf_counter(), _cpu_seconds()
    out = Path(args.out)
    if args.case == "duckdb":
        build_features(Path(args.raw), out, progress=False)
    else:
        table = reference_features(Path(args.raw))
        train_ids = pd.read_csv(Path(args.raw) / "application_train.csv", usecols=["SK_ID_CURR"])
        is_train = table.index.isin(train_ids["SK_ID_CURR"])
        table[is_train].reset_index().to_parquet(out / "train.parquet")
        table[~is_train].reset_index().to_parquet(out / "test.parquet")
    figures = {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": _cpu_seconds() - cpu_start,
        "import_seconds": import_seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(figures))


def _run_case(case: str, raw: Path, work: Path) -> dict:
    out = work / case
    out.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--case", case, "--raw", str(raw), "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=REPO)
    if done.returncode != 0:
        raise SystemExit(f"{case} build failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _raw_rows(raw: Path) -> int:
    """Data rows in the raw CSVs (the build's input size)."""
    rows = 0
    for path in raw.glob("*.csv"):
        with path.open("rb") as stream:
            rows += sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 24), b""))
        rows -= 1
    return rows


def _online_latency(raw: Path, samples: int) -> tuple[list[float], list[float]]:
    """Seconds per online vector for ``samples`` applicants with history rows, and per
    what-if recomputation (the application SQL only, with a smaller credit)."""
    import pandas as pd

    sys.path.insert(0, str(REPO))
    from features.online import OnlineFeatures
    from features.raw_schema import FILE_NAMES, HISTORY_TABLES

    tables = {t: pd.read_csv(raw / FILE_NAMES[t]) for t in FILE_NAMES}
    applications = tables["application_train"].set_index("SK_ID_CURR", drop=False)
    groups = {t: tables[t].groupby("SK_ID_CURR") for t in HISTORY_TABLES if t != "bureau_balance"}
    balance = tables["bureau_balance"].groupby("SK_ID_BUREAU")
    ids = [i for i in applications.index if i in groups["installments_payments"].groups]

    def plain(records: list[dict]) -> list[dict]:
        return [{k: None if isinstance(v, float) and math.isnan(v) else v
                 for k, v in r.items()} for r in records]  # fmt: skip

    online = OnlineFeatures()
    seconds, what_if = [], []
    for applicant in ids[: samples + 1]:
        history = {t: plain(g.get_group(applicant).to_dict("records")) if applicant in g.groups
                   else [] for t, g in groups.items()}  # fmt: skip
        history["bureau_balance"] = plain(
            [r for b in history["bureau"] if b["SK_ID_BUREAU"] in balance.groups
             for r in balance.get_group(b["SK_ID_BUREAU"]).to_dict("records")]
        )  # fmt: skip
        application = plain([applications.loc[applicant].to_dict()])[0]
        start = time.perf_counter()
        vector = online.compute(application, history)
        seconds.append(time.perf_counter() - start)
        start = time.perf_counter()  # the dashboard's what-if: other loan terms, same history
        online.recompute(
            application, vector.iloc[0], {"AMT_CREDIT": 0.8 * application["AMT_CREDIT"]}
        )
        what_if.append(time.perf_counter() - start)
    return seconds[1:], what_if[1:]  # the first call warms the prepared statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=30_000, help="Train applicants.")
    parser.add_argument("--seed", type=int, default=1, help="Seed of the generated data.")
    parser.add_argument("--raw", type=Path, help="Use these raw CSVs instead of generating.")
    parser.add_argument("--online-samples", type=int, default=200, help="Online vectors timed.")
    parser.add_argument("--skip-pandas", action="store_true", help="Only the DuckDB build.")
    parser.add_argument("--case", choices=("duckdb", "pandas"), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        _case(args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-features-") as tmp:
        work = Path(tmp)
        raw = args.raw
        if raw is None:
            sys.path.insert(0, str(REPO))
            from features.synthetic import generate

            raw = work / "raw"
            generate(raw, applicants=args.applicants, seed=args.seed, progress=False)
        rows = _raw_rows(raw)
        size_mb = sum(p.stat().st_size for p in raw.glob("*.csv")) / 2**20
        print(f"raw: {raw} ({rows:,} rows, {size_mb:,.0f} MB of CSV)")
        duck = _run_case("duckdb", raw, work)
        print(
            f"duckdb build   wall {duck['seconds']:7.1f} s  cpu {duck['cpu_seconds']:7.1f} s  "
            f"{rows / duck['seconds']:>10,.0f} rows/s  peak {duck['peak_mb'] / 1024:5.2f} GiB  "
            f"(imports {duck['import_seconds']:.1f} s apart; target at full size "
            f"{TARGET_SECONDS:.0f} s, {TARGET_GIB:.0f} GiB)"
        )
        if not args.skip_pandas:
            pandas = _run_case("pandas", raw, work)
            print(
                f"pandas build   wall {pandas['seconds']:7.1f} s  "
                f"cpu {pandas['cpu_seconds']:7.1f} s  "
                f"{rows / pandas['seconds']:>10,.0f} rows/s  "
                f"peak {pandas['peak_mb'] / 1024:5.2f} GiB  "
                f"duckdb is {pandas['seconds'] / duck['seconds']:.1f}x faster "
                f"(target {TARGET_RATIO:.0f}x), {pandas['peak_mb'] / duck['peak_mb']:.1f}x "
                "less memory"
            )
        latency, what_if = _online_latency(raw, args.online_samples)
        median = statistics.median(latency) * 1000
        p90 = sorted(latency)[int(0.9 * (len(latency) - 1))] * 1000
        print(
            f"online vector  median {median:6.1f} ms  p90 {p90:6.1f} ms  "
            f"({len(latency)} applicants with history; target {TARGET_ONLINE_MS:.0f} ms median)"
        )
        print(
            f"what-if vector median {statistics.median(what_if) * 1000:6.1f} ms  "
            f"(application SQL on the changed row, history features reused)"
        )


if __name__ == "__main__":
    main()
