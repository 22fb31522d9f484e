"""What a drift report compares: a model's reference sample, a feature table or the request log.

A source is named on the command line by one string. An existing path is a feature table
(a ``.parquet`` file, or a features folder: its ``train.parquet`` and ``test.parquet``
together) or a request log folder (``requests-*.arrows``); anything else is a model tag
(``credit_model:latest`` or pinned), whose stored reference sample is the source.

Sources are sampled on load (a fixed number of rows, drawn with a seed), and a Parquet table
is read in row batches of only the needed columns, so that 300,000 rows by 800 features
never sit in memory at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from credit_scoring.logs import get_logger, progress
from monitoring.request_log import (
    BASE_COLUMNS,
    FILE_GLOB,
    RequestLogError,
    read_request_log,
)

log = get_logger(__name__)

#: The score column every source shows under one name (the model's reference names it so).
PREDICTION = "prediction"
#: Columns of a feature table or log that are not model inputs.
NOT_FEATURES = frozenset({"SK_ID_CURR", "TARGET", "SPLIT", PREDICTION, *BASE_COLUMNS})
_TABLES = ("train.parquet", "test.parquet")
_BATCH_ROWS = 16_384


class DriftInputError(ValueError):
    """A reference or current source that cannot be used, named in the message."""


@dataclass
class Source:
    """Rows to compare, not yet loaded: where they come from and which columns they offer.

    ``frame`` is set for sources that are read whole (a model's reference sample, the
    request log); ``paths`` for Parquet tables, read lazily in sampled batches.
    """

    label: str
    columns: list[str]
    rows: int
    paths: list[Path] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    model: Any = None  # training.bundle.CreditModel when the source is a model tag

    @property
    def has_prediction(self) -> bool:
        return self.frame is not None and PREDICTION in self.frame.columns

    @property
    def features(self) -> list[str]:
        """The columns that can be model inputs, in the source's order."""
        return [c for c in self.columns if c not in NOT_FEATURES]

    def load(
        self, columns: Sequence[str], *, sample: int, seed: int, show: bool = True
    ) -> pd.DataFrame:
        """At most ``sample`` rows (all when ``sample`` <= 0) of ``columns`` that exist here."""
        offered = set(self.columns)
        wanted = [c for c in dict.fromkeys(columns) if c in offered]
        if self.frame is not None:
            frame = self.frame
            if 0 < sample < len(frame):
                frame = frame.sample(n=sample, random_state=seed)
            return frame[wanted].reset_index(drop=True)
        return _sample_parquet(self.paths, wanted, self.rows, sample=sample, seed=seed, show=show)


def open_source(
    spec: str, *, since: datetime | str | None = None, until: datetime | str | None = None
) -> Source:
    """The source named by ``spec`` (a path or a model tag), with a clear error if none."""
    path = Path(spec)
    if path.is_file():
        if path.suffix != ".parquet":
            raise DriftInputError(f"{spec}: not a Parquet feature table (expected .parquet)")
        return _parquet_source([path], label=str(path))
    if path.is_dir():
        if any(path.glob(FILE_GLOB)):
            return _request_log_source(path, since=since, until=until)
        tables = [path / name for name in _TABLES if (path / name).is_file()]
        if tables:
            return _parquet_source(tables, label=str(path))
        raise DriftInputError(
            f"{spec}: folder holds neither a feature table ({' or '.join(_TABLES)}) "
            f"nor a request log ({FILE_GLOB})"
        )
    if "/" in spec or spec.endswith((".parquet", ".arrows")):
        raise DriftInputError(f"{spec}: file or folder not found")
    return model_source(spec)


def _parquet_source(paths: list[Path], *, label: str) -> Source:
    import pyarrow.parquet as pq

    columns: dict[str, None] = {}
    rows = 0
    for path in paths:
        try:
            metadata = pq.ParquetFile(path).metadata
        except Exception as error:  # pyarrow raises several types for a damaged file
            raise DriftInputError(f"{path}: cannot read as Parquet ({error})") from None
        rows += metadata.num_rows
        columns.update(dict.fromkeys(metadata.schema.names))
    return Source(label=label, columns=list(columns), rows=rows, paths=paths)


def _request_log_source(
    folder: Path, *, since: datetime | str | None, until: datetime | str | None
) -> Source:
    try:
        frame = read_request_log(folder, since=since, until=until)
    except RequestLogError as error:
        raise DriftInputError(str(error)) from None
    if frame.empty:
        window = f" between {since or 'the start'} and {until or 'now'}"
        raise DriftInputError(f"{folder}: no logged requests{window}")
    frame = frame.rename(columns={"probability": PREDICTION})
    return Source(label=str(folder), columns=list(frame.columns), rows=len(frame), frame=frame)


def model_source(tag: str) -> Source:
    """A model's stored reference sample, with the model itself in ``Source.model``."""
    from training.bundle import load_model

    try:
        model = load_model(tag)
    except LookupError:
        raise DriftInputError(
            f"{tag}: no such file, and no model with this tag in the BentoML store"
        ) from None
    except Exception as error:  # a malformed tag: bentoml raises its own types
        raise DriftInputError(f"{tag}: not a file and not a usable model tag ({error})") from None
    frame = model.reference()
    label = f"{model.tag} reference sample"
    return Source(
        label=label, columns=list(frame.columns), rows=len(frame), frame=frame, model=model
    )


def _sample_parquet(
    paths: list[Path], columns: list[str], rows: int, *, sample: int, seed: int, show: bool
) -> pd.DataFrame:
    """``sample`` rows drawn uniformly across ``paths``, reading only ``columns``, in batches."""
    import pyarrow.parquet as pq

    chosen = None
    if 0 < sample < rows:
        chosen = np.sort(np.random.default_rng(seed).choice(rows, size=sample, replace=False))
    parts: list[pd.DataFrame] = []
    offset = 0
    batches = sum(-(-pq.ParquetFile(p).metadata.num_rows // _BATCH_ROWS) for p in paths)
    bar = progress(
        (batch for path in paths for batch in _batches(pq.ParquetFile(path), columns)),
        desc="reading table",
        total=batches,
        enabled=show,
        unit="batch",
    )
    for batch in bar:
        end = offset + batch.num_rows
        if chosen is None:
            parts.append(batch.to_pandas())
        else:
            picked = chosen[np.searchsorted(chosen, offset) : np.searchsorted(chosen, end)]
            if len(picked):
                parts.append(batch.take(picked - offset).to_pandas())
        offset = end
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True).reindex(columns=columns)


def _batches(handle: Any, columns: list[str]) -> Any:
    names = set(handle.schema_arrow.names)  # a property that rebuilds the schema: read once
    return handle.iter_batches(batch_size=_BATCH_ROWS, columns=[c for c in columns if c in names])
