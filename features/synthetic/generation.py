"""Write the 8 Kaggle-shaped CSVs and the ground truth for a number of applicants."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from credit_scoring import logs
from features.raw_schema import FILE_NAMES, TABLES
from features.synthetic.chunks import (
    FIRST_SK_ID_BUREAU,
    FIRST_SK_ID_PREV,
    Chunk,
    ChunkPlan,
    count_test_applicants,
    make_chunk,
    plan_chunks,
)
from features.synthetic.csv_writer import CsvTables
from features.synthetic.sampling import Codes
from features.synthetic.scenarios import get_scenario

#: Bumped whenever the same seed would give different data.
GENERATOR_VERSION = "1.0"
TRUTH_DIR = "truth"
TRUTH_FILE = "ground_truth.csv"
GENERATION_FILE = "generation.json"
_TRUTH_SCHEMA = (("SK_ID_CURR", "int"), ("SPLIT", "str"), ("TRUE_PD", "float"))

log = logs.get_logger(__name__)


@dataclass
class GenerationSummary:
    """What :func:`generate` wrote."""

    out: Path
    scenario: str
    seed: int
    train_applicants: int
    test_applicants: int
    #: Rows written per table (Kaggle's table names, header excluded).
    rows: dict[str, int]
    #: Share of train applicants with ``TARGET = 1``.
    default_rate: float
    #: Mean true probability of default over train and test applicants.
    mean_true_pd: float
    seconds: float
    #: The CSV file of each table.
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def truth_path(self) -> Path:
        """``truth/ground_truth.csv``: ``SK_ID_CURR``, ``SPLIT``, ``TRUE_PD`` of every applicant."""
        return self.out / TRUTH_DIR / TRUTH_FILE

    def line(self) -> str:
        """A one-line summary for the command line."""
        rows = sum(self.rows.values())
        return (
            f"wrote {rows:,} rows in {len(self.rows)} files to {self.out} "
            f"({self.train_applicants:,} train + {self.test_applicants:,} test applicants, "
            f"scenario {self.scenario}, seed {self.seed}, default rate {self.default_rate:.1%}) "
            f"in {self.seconds:.1f} s"
        )


def _check_writable(out: Path) -> None:
    """Create ``out`` (and ``out/truth``) or raise ``ValueError`` saying why it cannot be used."""
    try:
        (out / TRUTH_DIR).mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"cannot create output folder {out}: {error.strerror or error}") from None
    if not os.access(out, os.W_OK) or not os.access(out / TRUTH_DIR, os.W_OK):
        raise ValueError(f"output folder {out} is not writable")


def generate(
    out: Path, *, applicants: int, seed: int = 42, scenario: str = "baseline", progress: bool = True
) -> GenerationSummary:
    """Write Kaggle's 8 CSVs for ``applicants`` train applicants (plus the test share) to ``out``.

    Parameters
    ----------
    out : Path
        Folder to write ``application_train.csv`` .. ``credit_card_balance.csv`` into, plus
        ``truth/ground_truth.csv`` (``SK_ID_CURR``, ``SPLIT``, ``TRUE_PD``) and
        ``truth/generation.json``.
    applicants : int
        Number of train applicants; the test file gets 48,744/307,511 of that.
    seed : int
        Same seed, size and scenario give byte-identical files.
    scenario : str
        A name from :data:`features.synthetic.SCENARIOS`.
    progress : bool
        Show a progress bar per chunk of applicants on stderr.

    Raises
    ------
    ValueError
        For a size below 1, an unknown scenario, or a folder that cannot be written.
    """
    if isinstance(applicants, bool) or not isinstance(applicants, int) or applicants < 1:
        raise ValueError(f"applicants must be a whole number of at least 1, got {applicants!r}")
    population = get_scenario(scenario)
    out = Path(out)
    _check_writable(out)
    started = time.perf_counter()

    train, test = applicants, count_test_applicants(applicants)
    paths = {table: out / FILE_NAMES[table] for table in TABLES}
    schemas = dict(TABLES)
    paths["truth"] = out / TRUTH_DIR / TRUTH_FILE
    schemas["truth"] = _TRUTH_SCHEMA
    plans = plan_chunks(train, test)
    next_bureau, next_prev = FIRST_SK_ID_BUREAU, FIRST_SK_ID_PREV
    defaults = 0
    pd_sum = 0.0
    # Chunk k is written (DuckDB, in a thread) while chunk k + 1 is drawn (numpy): both
    # release the GIL, so the two cores work at once; at most two chunks are in memory.
    with CsvTables(paths, schemas) as files, ThreadPoolExecutor(max_workers=1) as writer:
        writing: Future[None] | None = None
        for plan in _progress(plans, enabled=progress):
            chunk = make_chunk(seed, population, plan, next_bureau, next_prev)
            next_bureau += len(chunk.tables["bureau"]["SK_ID_BUREAU"])
            next_prev += len(chunk.tables["previous_application"]["SK_ID_PREV"])
            defaults += int(chunk.target[~chunk.is_test].sum())
            pd_sum += float(chunk.true_pd.sum())
            if writing is not None:
                writing.result()
            writing = writer.submit(_write_chunk, files, chunk)
        if writing is not None:
            writing.result()
        rows = {table: files.rows[table] for table in TABLES}

    summary = GenerationSummary(
        out=out,
        scenario=scenario,
        seed=seed,
        train_applicants=train,
        test_applicants=test,
        rows=rows,
        default_rate=defaults / train,
        mean_true_pd=pd_sum / (train + test),
        seconds=time.perf_counter() - started,
        paths={table: paths[table] for table in TABLES},
    )
    _write_generation_json(summary)
    log.info(
        "generated out=%s scenario=%s seed=%d train=%d test=%d default_rate=%.4f seconds=%.1f",
        out,
        scenario,
        seed,
        train,
        test,
        summary.default_rate,
        summary.seconds,
    )
    return summary


def _write_chunk(files: CsvTables, chunk: Chunk) -> None:
    """Append every table of ``chunk`` and its ground truth to the files."""
    for table, columns in chunk.tables.items():
        files.append(table, columns)
    split = Codes(chunk.is_test.astype(np.int16), ("train", "test"))
    files.append(
        "truth", {"SK_ID_CURR": chunk.sk_id_curr, "SPLIT": split, "TRUE_PD": chunk.true_pd}
    )


def _progress(plans: list[ChunkPlan], *, enabled: bool) -> Iterator[ChunkPlan]:
    return logs.progress(plans, desc="generate", total=len(plans), enabled=enabled, unit="chunk")


def _write_generation_json(summary: GenerationSummary) -> None:
    """Record how the data was made (no timings, so that reruns stay byte-identical)."""
    record = {
        "generator_version": GENERATOR_VERSION,
        "seed": summary.seed,
        "scenario": summary.scenario,
        "applicants": summary.train_applicants,
        "test_applicants": summary.test_applicants,
        "rows": {FILE_NAMES[table]: count for table, count in summary.rows.items()},
        "target_rate": round(summary.default_rate, 6),
        "mean_true_pd": round(summary.mean_true_pd, 6),
    }
    path = summary.out / TRUTH_DIR / GENERATION_FILE
    path.write_text(json.dumps(record, indent=2) + "\n")
