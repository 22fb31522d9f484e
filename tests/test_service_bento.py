"""``bentoml build`` makes a Bento with the service code, its dependencies and the model."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def test_bentofile_pins_the_runtime_dependencies_of_the_lock() -> None:
    """The Bento installs pyproject's runtime dependencies at uv.lock's versions."""
    bentofile = yaml.safe_load((ROOT / "bentofile.yaml").read_text())
    pinned = dict(p.split("==") for p in bentofile["python"]["packages"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {re.split(r"[<>=!~ ;\[]", d)[0].lower() for d in project["dependencies"]}
    assert set(pinned) == wanted
    lock = tomllib.loads((ROOT / "uv.lock").read_text())
    locked = {p["name"]: p["version"] for p in lock["package"]}
    assert {name: locked[name] for name in pinned} == pinned


@pytest.mark.slow
def test_bentoml_build_packs_the_service_and_the_model(model_tag: str, bentoml_home: Path) -> None:
    """A real ``bentoml build`` into the temporary store; the Bento packs the latest model.

    Other tests may have saved models after ``model_tag``: the one packed (and served by
    the image, which has no other) is the store's ``credit_model:latest`` at build time.
    """
    import bentoml

    latest = str(bentoml.models.get("credit_model:latest").tag)
    env = {**os.environ, "BENTOML_HOME": str(bentoml_home)}
    env.pop("CREDIT_MODEL_TAG", None)
    build = subprocess.run(
        [sys.executable, "-m", "bentoml", "build", str(ROOT), "--output", "tag"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    tag = build.stdout.strip().splitlines()[-1].removeprefix("__tag__:")
    assert tag.startswith("credit_scoring:")
    shown = subprocess.run(
        [sys.executable, "-m", "bentoml", "get", tag, "-o", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    bento = json.loads(shown.stdout)
    assert {m["tag"] for m in bento["models"]} == {latest}
    assert bento["services"][0]["name"] == "credit_scoring"
    source = bentoml_home / "bentos" / "credit_scoring" / tag.split(":")[1] / "src"
    for path in ("service/service.py", "service/scoring.py", "features/sql", "training/bundle.py"):
        assert (source / path).exists(), path
    assert not (source / "tests").exists() and not (source / "data").exists()
