"""Shared test set-up: a temporary BentoML store and the real Home Credit sample.

``BENTOML_HOME`` must point at a temporary folder before bentoml is first imported,
so that no test reads or writes the user's real model store.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import training.openmp  # noqa: F401  (passive OpenMP waits, before any test loads LightGBM)

_BENTOML_HOME = Path(tempfile.mkdtemp(prefix="credit-scoring-bentoml-"))
os.environ["BENTOML_HOME"] = str(_BENTOML_HOME)
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")
# The service reads its drift gauges from here: never from the repository's reports/.
os.environ["CREDIT_DRIFT_DIR"] = str(Path(tempfile.mkdtemp(prefix="credit-scoring-drift-")))

#: The real rows live beside the repository in CI (``../shared``), never inside it.
REAL_SAMPLE_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "real-sample"


@pytest.fixture(scope="session")
def bentoml_home() -> Path:
    """The temporary BentoML home used by every test of this session."""
    return _BENTOML_HOME


@pytest.fixture(scope="session")
def real_sample_dir() -> Path:
    """The folder of real Home Credit rows; skips the test where ``../shared`` is absent."""
    if not (REAL_SAMPLE_DIR / "application_train.csv").is_file():
        pytest.skip(f"real sample not found at {REAL_SAMPLE_DIR}")
    return REAL_SAMPLE_DIR


# --- The pipeline on a small generated population, shared by the tests of later stages.
#: Small enough to keep the suite fast, large enough for a model with real signal.
TEST_APPLICANTS = 4_000
TEST_SEED = 11


@pytest.fixture(scope="session")
def raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kaggle-shaped raw CSVs written by the generator (and its ground truth)."""
    from features.synthetic import generate

    out = tmp_path_factory.mktemp("raw")
    generate(out, applicants=TEST_APPLICANTS, seed=TEST_SEED, progress=False)
    return out


@pytest.fixture(scope="session")
def features_dir(raw_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Feature tables and manifest built by DuckDB from ``raw_dir``."""
    from features.build import build_features

    out = tmp_path_factory.mktemp("features")
    build_features(raw_dir, out, progress=False)
    return out


@pytest.fixture(scope="session")
def reports_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the training run of the tests writes its methodology note."""
    return tmp_path_factory.mktemp("reports")


@pytest.fixture(scope="session")
def model_tag(features_dir: Path, reports_dir: Path, bentoml_home: Path) -> str:
    """A model trained on ``features_dir`` and saved to the temporary BentoML store."""
    from training.train import train

    run = train(features_dir, folds=3, seed=TEST_SEED, reports_dir=reports_dir, progress=False)
    return run.tag


# --- A real Bento service on loopback, shared by the service, dashboard and monitoring tests.
@pytest.fixture(scope="session")
def request_log_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The request log folder of the session's service (``api_url``)."""
    return tmp_path_factory.mktemp("requests")


@pytest.fixture(scope="session")
def api_url(
    model_tag: str,
    features_dir: Path,
    request_log_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """Base URL of a real ``bentoml serve`` of the service (no API token), stopped at the end.

    Its server log is ``service.log`` in a temporary folder (the path is in failures).
    """
    from service.process import running_service

    log_path = tmp_path_factory.mktemp("service") / "service.log"
    with running_service(
        model=model_tag,
        features=features_dir,
        request_log=request_log_dir,
        log_path=log_path,
        token="",  # open, whatever CREDIT_API_TOKEN the caller's shell has
    ) as url:
        yield url
