"""``credit-scoring features``: a summary on success, one line on stderr and exit 2 on bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from credit_scoring.cli import app
from features.raw_schema import FILE_NAMES


def _features(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["features", "--no-progress", *args], env=env)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_features_command_builds_and_summarises(real_sample_dir: Path, tmp_path: Path) -> None:
    """Real rows in, the four files out, and a summary with rows and features per table."""
    code, stdout, _ = _features("--raw", str(real_sample_dir), "--out", str(tmp_path))
    assert code == 0
    for name in ("train.parquet", "test.parquet", "applications.parquet", "manifest.json"):
        assert (tmp_path / name).is_file()
    assert "rows: train 2,000, test 2,000" in stdout
    assert "previous_application" in stdout and "bureau_balance" in stdout


def test_features_command_reads_the_environment(raw_dir: Path, tmp_path: Path) -> None:
    """CREDIT_RAW_DIR and CREDIT_FEATURES_DIR stand in for --raw and --out."""
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(raw_dir / "application_train.csv", raw)
    env = {"CREDIT_RAW_DIR": str(raw), "CREDIT_FEATURES_DIR": str(tmp_path / "out")}
    code, stdout, _ = _features(env=env)
    assert code == 0, stdout
    assert (tmp_path / "out" / "train.parquet").is_file()
    assert "missing tables" in stdout


def test_features_command_bad_input_is_one_line(raw_dir: Path, tmp_path: Path) -> None:
    """An unreadable value: exit status 2, one line on stderr naming file, line and column."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in FILE_NAMES.values():
        head = (raw_dir / name).read_text().splitlines()[:20]
        (raw / name).write_text("\n".join(head) + "\n")
    lines = (raw / "application_train.csv").read_text().splitlines()
    header = lines[0].split(",")
    row = lines[5].split(",")
    row[header.index("AMT_INCOME_TOTAL")] = "unknown"
    lines[5] = ",".join(row)
    (raw / "application_train.csv").write_text("\n".join(lines) + "\n")
    code, stdout, stderr = _features("--raw", str(raw), "--out", str(tmp_path / "out"))
    assert code == 2
    assert stderr.count("\n") == 1
    assert "application_train.csv, line 6, column AMT_INCOME_TOTAL" in stderr
    assert "Traceback" not in stderr + stdout
