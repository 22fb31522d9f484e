"""Load benchmark of the Bento service on loopback, beside two references measured in the same run.

Cases (bounded concurrency: each of C clients sends its next request when the last one
answered, over keep-alive connections where the server allows them):

- ``/score`` single clients at 1, 8 and 32 concurrent clients, adaptive batching on and off;
- ``/score_batch`` with 1,000 clients per call;
- ``/explain`` for one client per call;
- a soak of ``/score`` at 64 concurrent clients for ``--soak`` seconds (default 120);
- references: the in-process predict throughput (the limit: ``booster.predict`` on a matrix,
  and the service's scoring path on a frame), and a minimal Flask endpoint doing what
  typical student projects do (one ``predict_proba`` on a one-row DataFrame per request)
  on the same model, behind Flask's threaded server.

Each line prints throughput, p50/p95/p99 latency, errors, and a ratio to its reference.
Targets (2 cores): /score p99 <= 50 ms at 8 clients; /score at 32 clients >= 2x Flask;
/score_batch >= 0.5x in-process rows/s; /explain p99 <= 30 ms; 0 errors in the soak.

    .venv/bin/python benchmarks/serve.py --applicants 4000            # builds its own data
    .venv/bin/python benchmarks/serve.py --model credit_model:latest --features data/features
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class Result:
    """What one load case measured."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    rows_per_request: int = 1

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.throughput * self.rows_per_request

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q)) if self.latencies_ms else float("nan")


async def _load(url: str, bodies: list, concurrency: int, seconds: float, warmup: float) -> Result:
    """``concurrency`` clients POST the ``bodies`` in turn for ``seconds`` after ``warmup``."""
    import aiohttp

    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0}
    start = time.perf_counter()
    measure_from = start + warmup
    stop = measure_from + seconds
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def client(index: int) -> None:
            i = index
            while (now := time.perf_counter()) < stop:
                body = bodies[i % len(bodies)]
                i += concurrency
                sent = time.perf_counter()
                try:
                    async with session.post(url, json=body) as answer:
                        await answer.read()
                        ok = answer.status == 200
                except (TimeoutError, aiohttp.ClientError):
                    ok = False
                done = time.perf_counter()
                if now >= measure_from:
                    counts["requests"] += 1
                    counts["errors"] += not ok
                    latencies.append((done - sent) * 1000)

        await asyncio.gather(*(client(i) for i in range(concurrency)))
    return Result(counts["requests"], counts["errors"], seconds, latencies)


def load(url: str, bodies: list, concurrency: int, seconds: float, warmup: float = 2.0) -> Result:
    return asyncio.run(_load(url, bodies, concurrency, seconds, warmup))


def line(name: str, result: Result, reference: float | None = None, unit: str = "req/s") -> str:
    value = result.rows_per_second if unit == "rows/s" else result.throughput
    ratio = f"  {value / reference:5.2f}x ref" if reference else ""
    return (
        f"{name:<38} {value:>9.0f} {unit:<6} p50 {result.percentile(50):7.1f} ms  "
        f"p95 {result.percentile(95):7.1f} ms  p99 {result.percentile(99):7.1f} ms  "
        f"errors {result.errors}/{result.requests}{ratio}"
    )


# --- the Flask reference (runs in its own process: ``--flask-worker``)
def flask_worker(port: int, model_tag: str, features: Path) -> None:
    """A minimal Flask endpoint: one predict_proba on a one-row DataFrame per request."""
    import pandas as pd
    from flask import Flask, jsonify, request

    from training.bundle import load_model

    model = load_model(model_tag)
    table = pd.concat(
        [pd.read_parquet(features / f) for f in ("train.parquet", "test.parquet")]
    ).set_index("SK_ID_CURR")[model.feature_names]
    app = Flask("reference")

    @app.post("/score")
    def score():
        row = table.loc[[int(request.get_json()["client_id"])]]
        probability = float(model.predict_proba(row)[0])
        return jsonify({"probability": probability, "refused": probability >= model.threshold})

    @app.get("/ready")
    def ready():
        return "ok"

    app.run(host="127.0.0.1", port=port, threaded=True)


def wait_http(url: str, timeout: float = 120) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


# --- data and model
def prepare(applicants: int, workdir: Path) -> tuple[str, Path]:
    """Generate ``applicants``, build their features and train a model (temporary store)."""
    from features.build import build_features
    from features.synthetic import generate
    from training.train import train

    raw, features = workdir / "raw", workdir / "features"
    print(f"preparing {applicants} applicants in {workdir} ...", file=sys.stderr)
    generate(raw, applicants=applicants, seed=7, progress=True)
    build_features(raw, features, progress=True)
    run = train(features, folds=3, seed=7, reports_dir=workdir / "reports", progress=True)
    return run.tag, features


def in_process_reference(model_tag: str, features: Path) -> tuple[float, float]:
    """Rows/s of ``booster.predict`` on a 1,000-row matrix, and of ``scoring.score`` on a frame."""
    import pandas as pd

    from service import scoring
    from training.bundle import load_model

    model = load_model(model_tag)
    frame = pd.read_parquet(features / "test.parquet")[model.feature_names]
    frame = pd.concat([frame] * (1000 // len(frame) + 1)).head(1000).reset_index(drop=True)
    matrix = model.matrix(frame)

    def rate(fn) -> float:
        fn()
        times = []
        for _ in range(7):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return len(frame) / statistics.median(times)

    return rate(lambda: model.booster.predict(matrix, raw_score=True)), rate(
        lambda: scoring.score(model, frame)
    )


def engine_reference(model_tag: str, features: Path, folder: Path) -> tuple[float, float]:
    """Rows/s of the service's own work for a 1,000-client ``/score_batch`` body, in-process.

    First without BentoML at all: parse and validate the body, then ``ScoringEngine.score_batch``
    (rows, predict, metrics, request log, responses), then encode the answer. Second, that
    minus the request log. The gap between these and the HTTP figure is BentoML's share
    (its JSON decoding, schema work and encoding of 1,000 objects, the dispatcher, the
    event loop).
    """
    import pandas as pd
    from pydantic import RootModel, create_model

    from service.engine import ScoringEngine
    from service.schemas import Catalogue, ScoreRequest, ScoreResponse, bind_catalogue
    from training.bundle import load_model

    model = load_model(model_tag)
    engine = ScoringEngine.load(model, features, folder, with_metrics=False)
    bind_catalogue(Catalogue(frozenset(engine.feature_names), engine.clients.__contains__))
    ids = pd.read_parquet(features / "test.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"]
    ids = [int(i) for i in ids]
    body = json.dumps({"clients": [{"client_id": ids[j % len(ids)]} for j in range(1000)]})
    request = create_model("Body", clients=(list[ScoreRequest], ...))
    answer = RootModel[list[ScoreResponse]]

    def call() -> float:
        start = time.perf_counter()
        clients = request.model_validate_json(body).clients
        answer(engine.score_batch(clients)).model_dump_json()
        return time.perf_counter() - start

    with_log = 1000 / statistics.median(call() for _ in range(9))
    engine.request_log = None
    without_log = 1000 / statistics.median(call() for _ in range(9))
    bind_catalogue(None)
    return with_log, without_log


def request_log_reference(model_tag: str, features: Path, folder: Path) -> tuple[float, float]:
    """Rows/s of ``RequestLog.append_frame`` for 1,000 rows of this model's features, ms for one.

    The service appends every scored batch (all features) before answering, as here: this is
    the share of the service's time that goes to the log.
    """
    import pandas as pd

    from monitoring.request_log import RequestLog
    from training.bundle import load_model

    model = load_model(model_tag)
    frame = pd.read_parquet(features / "test.parquet")[model.feature_names].head(1000)
    log = RequestLog(folder)

    def append(rows: pd.DataFrame) -> float:
        start = time.perf_counter()
        log.append_frame(
            rows,
            client_id=list(range(len(rows))),
            probability=[0.1] * len(rows),
            decision=["granted"] * len(rows),
            threshold=[0.5] * len(rows),
            model_version=model.version,
        )
        return time.perf_counter() - start

    many = len(frame) / statistics.median(append(frame) for _ in range(5))
    single = statistics.median(append(frame.iloc[[i]]) for i in range(20))
    return many, single * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=4000, help="Population to generate.")
    parser.add_argument("--model", help="Use this model tag (with --features) instead.")
    parser.add_argument("--features", type=Path, help="Feature folder of --model.")
    parser.add_argument("--seconds", type=float, default=10.0, help="Duration of each case.")
    parser.add_argument("--soak", type=float, default=120.0, help="Soak duration at 64 clients.")
    parser.add_argument("--flask-worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.flask_worker:
        port, tag, features = args.flask_worker
        flask_worker(int(port), tag, Path(features))
        return

    workdir = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    if args.model and args.features:
        tag, features = args.model, args.features
    else:
        os.environ["BENTOML_HOME"] = str(workdir / "bentoml")
        tag, features = prepare(args.applicants, workdir)

    import pandas as pd

    from service.process import free_port, running_service

    ids = pd.read_parquet(features / "test.parquet", columns=["SK_ID_CURR"])["SK_ID_CURR"]
    ids = [int(i) for i in ids.sample(frac=1.0, random_state=0)]
    singles = [{"client_id": i} for i in ids]
    batches = [
        {"clients": [{"client_id": ids[(k * 1000 + j) % len(ids)]} for j in range(1000)]}
        for k in range(5)
    ]
    explains = [{"client_id": i, "top_k": 10} for i in ids]
    seconds = args.seconds
    print(
        f"# model {tag}, {len(ids)} test clients, {os.cpu_count()} cores, "
        f"load average before {os.getloadavg()[0]:.1f}, {seconds:.0f} s per case"
    )

    predict_rows, scoring_rows = in_process_reference(tag, features)
    print(f"{'in-process booster.predict, 1000 rows':<38} {predict_rows:>9.0f} rows/s  (the limit)")
    print(f"{'in-process scoring.score, 1000 rows':<38} {scoring_rows:>9.0f} rows/s")

    engine_rows, engine_no_log = engine_reference(tag, features, workdir / "requests-engine")
    print(f"{'in-process service work, 1000 rows':<38} {engine_rows:>9.0f} rows/s")
    print(f"{'  the same without the request log':<38} {engine_no_log:>9.0f} rows/s")

    log_rows, log_ms = request_log_reference(tag, features, workdir / "requests-reference")
    print(f"{'in-process request log, 1000 rows':<38} {log_rows:>9.0f} rows/s")
    print(f"{'in-process request log, 1 row':<38} {log_ms:>9.1f} ms per append (with fsync)")

    port = free_port()
    flask = subprocess.Popen(
        [sys.executable, __file__, "--flask-worker", str(port), tag, str(features)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/ready")
        flask_results = {
            c: load(f"http://127.0.0.1:{port}/score", singles, c, seconds) for c in (1, 8, 32)
        }
    finally:
        flask.terminate()
        flask.wait(timeout=20)
    for c, result in flask_results.items():
        print(line(f"flask one-row predict_proba c={c}", result))

    results: dict[str, Result] = {}
    for batching in (True, False):
        mode = "on" if batching else "off"
        with running_service(
            model=tag,
            features=features,
            request_log=workdir / f"requests-{mode}",
            log_path=workdir / f"service-{mode}.log",
            batching=batching,
            token="",
        ) as url:
            for c in (1, 8, 32):
                result = load(f"{url}/score", singles, c, seconds)
                results[f"score c={c} batching {mode}"] = result
                print(line(f"/score c={c} batching {mode}", result, flask_results[c].throughput))
            if batching:
                for c in (1, 2):
                    result = load(f"{url}/score_batch", batches, c, seconds)
                    result.rows_per_request = 1000
                    print(line(f"/score_batch 1000/call c={c}", result, predict_rows, "rows/s"))
                for c in (1, 8):
                    result = load(f"{url}/explain", explains, c, seconds)
                    print(line(f"/explain top 10 c={c}", result))
                soak = load(f"{url}/score", singles, 64, args.soak, warmup=5.0)
                print(
                    line(f"/score soak c=64 {args.soak:.0f} s", soak, flask_results[32].throughput)
                )
    print(json.dumps({"workdir": str(workdir)}))


if __name__ == "__main__":
    main()
