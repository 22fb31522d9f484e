"""Where things live and how they are configured, resolved once at the edge.

Every path and switch has a command-line option (in ``credit_scoring.cli``), an
environment variable fallback (named here) and a default relative to the working
directory. Inner functions take plain arguments and never read the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Environment variables, by setting.
ENV_RAW_DIR = "CREDIT_RAW_DIR"
ENV_FEATURES_DIR = "CREDIT_FEATURES_DIR"
ENV_REPORTS_DIR = "CREDIT_REPORTS_DIR"
ENV_REQUEST_LOG_DIR = "CREDIT_REQUEST_LOG_DIR"
ENV_DRIFT_DIR = "CREDIT_DRIFT_DIR"
ENV_MODEL_TAG = "CREDIT_MODEL_TAG"
ENV_API_TOKEN = "CREDIT_API_TOKEN"
ENV_UI_USER = "CREDIT_UI_USER"
ENV_UI_PASSWORD = "CREDIT_UI_PASSWORD"

DEFAULT_RAW_DIR = Path("data/raw")
DEFAULT_FEATURES_DIR = Path("data/features")
DEFAULT_REPORTS_DIR = Path("reports")
DEFAULT_REQUEST_LOG_DIR = Path("data/requests")
#: The latest drift report, read by the service for its drift gauges.
DEFAULT_DRIFT_DIR = DEFAULT_REPORTS_DIR / "drift"
DEFAULT_MODEL_NAME = "credit_model"
DEFAULT_MODEL_TAG = f"{DEFAULT_MODEL_NAME}:latest"

#: The embedded default: how many applicants ``demo`` generates.
DEMO_APPLICANTS = 30_000


def env_path(variable: str, default: Path) -> Path:
    """The path in ``variable`` if set and not empty, else ``default``."""
    value = os.environ.get(variable, "").strip()
    return Path(value) if value else default
