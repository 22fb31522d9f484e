"""Shared test set-up: a temporary BentoML store and the real Home Credit sample.

``BENTOML_HOME`` must point at a temporary folder before bentoml is first imported,
so that no test reads or writes the user's real model store.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_BENTOML_HOME = Path(tempfile.mkdtemp(prefix="credit-scoring-bentoml-"))
os.environ["BENTOML_HOME"] = str(_BENTOML_HOME)
os.environ.setdefault("BENTOML_DO_NOT_TRACK", "True")

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
