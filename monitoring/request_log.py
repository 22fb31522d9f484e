"""A durable, append-only log of every application the service scored (the drift job's input).

Why this layout: each process writes its own Arrow IPC stream per UTC day
(``requests-YYYY-MM-DD-<pid>-<start>-<n>.arrows``), so several workers never share a file and
a restarted process never appends after a batch torn by a crash. An append is one record batch
(the features as one fixed-size list of float64, so 1,000 rows of 888 features are a single
memory copy, not 888,000 formatted numbers; LZ4-compressed from 32 rows on), written with one
``writev`` on an ``O_APPEND`` descriptor and then ``fsync``: ``append()`` returns only once
its rows are on disk, so the service acknowledges nothing that a power cut or ``SIGKILL`` could
take back. Threads of one process share the fsync (group commit): while one thread syncs, the
others queue their batches, and the next sync carries them all. A batch whose columns differ
from the file's (another model, other extra fields), or one after a failed write, starts a new
file.

The reader skips a torn last batch (the only damage a killed writer can leave) with a warning.
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from credit_scoring.logs import get_logger

log = get_logger(__name__)

#: Columns of every row, in the order the reader returns them (features follow).
BASE_COLUMNS = ("request_id", "time", "client_id", "probability", "decision", "model_version")
#: The files of a log folder.
FILE_GLOB = "requests-*.arrows"
_REQUIRED = ("probability", "decision", "model_version", "features")
_FILE_PATTERN = re.compile(r"^requests-(\d{4}-\d{2}-\d{2})-.+\.arrows$")
_FEATURES = "features"  # the fixed-size list column; names are in the schema metadata
_NAMES_KEY = b"feature_names"
_WRITE_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")
#: Batches with at least this many rows are compressed.
_COMPRESS_ROWS = 32
#: Most buffers one ``writev`` takes (Linux's IOV_MAX).
_IOV_MAX = 1024
_TYPES = {
    "request_id": pa.string(),
    "time": pa.timestamp("ns", tz="UTC"),
    "client_id": pa.int64(),
    "probability": pa.float64(),
    "decision": pa.string(),
    "model_version": pa.string(),
}


class RequestLogError(ValueError):
    """A record that cannot be logged, or a log folder that cannot be read."""


class RequestLog:
    """Append scored applications to Arrow IPC stream files in ``folder``, durably.

    Parameters
    ----------
    folder
        Where the files go (created if missing). Several processes may share it.

    ``append_frame`` takes a batch as columns (the service's path); ``append`` takes mappings
    and turns them into the same columns.
    """

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._start = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        self._token = uuid.uuid4().hex[:6]
        self._reset_process_state()

    def _reset_process_state(self) -> None:
        self._pid = os.getpid()
        self._cond = threading.Condition()
        self._pending: list[tuple[pa.Schema, pa.Buffer]] = []
        self._queued = 0  # number of the last batch queued
        self._durable = 0  # every batch up to this number is on disk (or failed)
        self._flushing = False
        self._errors: dict[int, OSError] = {}
        self._fd: int | None = None
        self._day: str | None = None
        self._schema: pa.Schema | None = None
        self._files = 0
        self._names: tuple[list[str], frozenset[str], bytes] = ([], frozenset(), b"[]")

    def append_frame(self, features: pd.DataFrame, **fields: Any) -> list[str]:
        """``append_matrix`` for a DataFrame: one float column per feature (NaN = missing).

        Raises ``RequestLogError`` for a column that is not numeric, besides what
        ``append_matrix`` raises.
        """
        if not isinstance(features, pd.DataFrame):
            raise RequestLogError(f"features: expected a DataFrame, got {type(features).__name__}")
        try:
            matrix = features.to_numpy(dtype=np.float64)
        except (TypeError, ValueError):
            bad = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
            raise RequestLogError(f"features: column(s) not numeric: {bad[:5]}") from None
        return self.append_matrix(matrix, features.columns.tolist(), **fields)

    def append_matrix(
        self,
        matrix: np.ndarray,
        names: Sequence[str],
        *,
        probability: Any,
        decision: Any,
        model_version: Any,
        client_id: Any = None,
        time: Any = None,
        request_id: Any = None,
        **extra: Any,
    ) -> list[str]:
        """Write one row per row of ``matrix`` and return the request ids once on disk.

        The service's path: the matrix goes to disk as one memory copy, no DataFrame.

        Parameters
        ----------
        matrix
            Numbers, one column per name in ``names`` (NaN = missing).
        probability, decision, model_version, client_id, time, request_id, **extra
            One value per row, or one value for all rows. ``time`` defaults to now (UTC when
            naive), ``request_id`` to new UUIDs, ``client_id`` to missing.

        Raises
        ------
        RequestLogError
            When the matrix does not match ``names`` or a field has the wrong length or type.
        OSError
            When the disk write or fsync fails: nothing is acknowledged then.
        """
        matrix = np.asarray(matrix)
        if matrix.ndim != 2 or matrix.shape[1] != len(names):
            raise RequestLogError(
                f"features: a matrix of {len(names)} columns expected, got shape {matrix.shape}"
            )
        if matrix.dtype.kind not in "biuf":
            raise RequestLogError(f"features: the matrix is not numeric ({matrix.dtype})")
        count = len(matrix)
        if count == 0:
            return []
        if request_id is None:
            request_id = new_request_ids(count)
        fields = {
            "request_id": _column("request_id", request_id, count),
            "time": _times(time, count),
            "client_id": _column("client_id", client_id, count),
            "probability": _column("probability", probability, count),
            "decision": _column("decision", decision, count),
            "model_version": _column("model_version", model_version, count),
            **{name: _column(name, value, count) for name, value in extra.items()},
        }
        return self._append(fields, list(names), matrix.astype(np.float64, copy=False))

    def append(self, records: Sequence[Mapping[str, Any]]) -> list[str]:
        """Write ``records`` and return their request ids once they are on disk.

        Each record is a mapping with ``features`` (feature name to number or None),
        ``probability``, ``decision``, ``model_version``, and optionally ``client_id``,
        ``time`` (UTC; default now) and ``request_id`` (default a new UUID). Extra keys are
        kept as columns.

        Raises
        ------
        RequestLogError
            When a record lacks a required field or has a value of the wrong type.
        OSError
            When the disk write or fsync fails: nothing is acknowledged then.
        """
        rows = [_checked(record, position) for position, record in enumerate(records)]
        if not rows:
            return []
        names = list(dict.fromkeys(str(name) for row in rows for name in row[_FEATURES]))
        where = {name: j for j, name in enumerate(names)}
        matrix = np.full((len(rows), len(names)), np.nan)
        for i, row in enumerate(rows):
            keys = list(row[_FEATURES])
            values = _numbers(keys, list(row[_FEATURES].values()), i)
            if keys == names:  # the usual case: every record has the same features
                matrix[i] = values
            else:
                matrix[i, [where[str(k)] for k in keys]] = values
        now = datetime.now(UTC)
        fields: dict[str, list[Any]] = {
            "request_id": [
                str(row.get("request_id") or new)
                for row, new in zip(rows, new_request_ids(len(rows)), strict=True)
            ],
            "time": [_utc(row.get("time"), i, now).value for i, row in enumerate(rows)],
            "client_id": [
                None if row.get("client_id") is None else int(row["client_id"]) for row in rows
            ],
            "probability": [_probability(row["probability"], i) for i, row in enumerate(rows)],
            "decision": [str(row["decision"]) for row in rows],
            "model_version": [str(row["model_version"]) for row in rows],
        }
        for row in rows:
            for key in row:
                if key not in fields and key != _FEATURES:
                    fields[key] = [other.get(key) for other in rows]
        return self._append(fields, names, matrix)

    def _append(self, fields: Mapping[str, Any], names: list[str], matrix: np.ndarray) -> list[str]:
        """Check the columns, build the record batch, and return once a sync carried it."""
        if os.getpid() != self._pid:  # forked after creation: never share the parent's file
            self._reset_process_state()
        names, known, encoded = self._feature_names(names)
        clash = sorted(field for field in fields if field in known)
        if clash:
            raise RequestLogError(f"feature name(s) clash with log fields: {', '.join(clash)}")
        arrays = {name: _arrow(name, values) for name, values in fields.items()}
        flat = pa.array(np.ascontiguousarray(matrix).reshape(-1))
        arrays[_FEATURES] = pa.FixedSizeListArray.from_arrays(flat, len(names))
        schema = pa.schema(
            [pa.field(name, array.type) for name, array in arrays.items()],
            metadata={_NAMES_KEY: encoded},
        )
        batch = pa.RecordBatch.from_arrays(list(arrays.values()), schema=schema)
        self._commit(schema, _batch_message(batch))
        return [str(value) for value in fields["request_id"]]

    def _feature_names(self, names: list[Any]) -> tuple[list[str], frozenset[str], bytes]:
        """The names as text, as a set and as schema metadata (cached: a service repeats them)."""
        cached = self._names
        if names != cached[0]:
            text = [str(name) for name in names]
            cached = (text, frozenset(text), json.dumps(text).encode())
            self._names = cached
        return cached

    def _commit(self, schema: pa.Schema, payload: pa.Buffer) -> None:
        """Queue ``payload`` and return once a sync has carried it to disk (group commit)."""
        with self._cond:
            self._pending.append((schema, payload))
            self._queued += 1
            ticket = self._queued
            while self._durable < ticket:
                if self._flushing:
                    self._cond.wait()
                    continue
                batch, upto, first = self._pending, self._queued, self._durable + 1
                self._pending, self._flushing = [], True
                self._cond.release()
                error: OSError | None = None
                try:
                    self._write(batch)
                except OSError as exc:
                    error = exc
                    self._abandon_file()  # never append after a possibly torn batch
                finally:
                    self._cond.acquire()
                    self._flushing = False
                if error is not None:
                    self._errors.update(dict.fromkeys(range(first, upto + 1), error))
                self._durable = upto
                self._cond.notify_all()
            error = self._errors.pop(ticket, None)
        if error is not None:
            raise error

    def _write(self, batches: list[tuple[pa.Schema, pa.Buffer]]) -> None:
        """Write the queued batches (a new file when the day or the columns change), then sync."""
        day = datetime.now(UTC).date().isoformat()
        chunks: list[Any] = []
        for schema, payload in batches:
            if self._fd is None or day != self._day or not schema.equals(self._schema, True):
                self._flush(chunks)
                chunks = [self._open(day, schema)]
            chunks.append(payload)
        self._flush(chunks)

    def _flush(self, chunks: list[Any]) -> None:
        if not chunks or self._fd is None:
            return
        views = [memoryview(chunk) for chunk in chunks]
        while views:  # a regular file takes them in one write; loop in case it does not
            written = os.writev(self._fd, views[:_IOV_MAX])
            while views and written >= len(views[0]):
                written -= len(views.pop(0))
            if written:
                views[0] = views[0][written:]
        os.fsync(self._fd)

    def _open(self, day: str, schema: pa.Schema) -> pa.Buffer:
        """Open a new file for ``day`` and return the schema message that must start it."""
        self._abandon_file()
        self._files += 1
        name = f"requests-{day}-{self._pid}-{self._start}{self._token}-{self._files}.arrows"
        self._fd = os.open(
            self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644
        )
        self._day, self._schema = day, schema
        _fsync_dir(self.folder)  # the new name itself must survive a crash
        return schema.serialize()

    def _abandon_file(self) -> None:
        if self._fd is not None and os.getpid() == self._pid:
            os.close(self._fd)
        self._fd, self._day, self._schema = None, None, None

    def close(self) -> None:
        """Close the current file (appending again opens a new one)."""
        with self._cond:
            self._abandon_file()


def _batch_message(batch: pa.RecordBatch) -> pa.Buffer:
    """``batch`` as one IPC stream message, its buffers LZ4-compressed.

    ``RecordBatch.serialize`` cannot compress, so the batch goes through a stream writer,
    whose output is the schema message (exactly ``schema.serialize()``) then the batch's.
    Compression costs less than it saves: features of real clients shrink about five
    times, and writing 7 MB to the page cache takes longer than compressing it. Batches
    of a few rows are not compressed (each message says whether it is).
    """
    if batch.num_rows < _COMPRESS_ROWS:  # the writer's set-up would cost more than it saves
        return batch.serialize()
    sink = pa.BufferOutputStream()
    writer = pa.ipc.new_stream(sink, batch.schema, options=_WRITE_OPTIONS)
    writer.write_batch(batch)
    stream = sink.getvalue()  # the writer is not closed: no end-of-stream marker
    return stream.slice(batch.schema.serialize().size)


def new_request_ids(count: int) -> list[str]:
    """``count`` random (version 4) UUIDs as text, from one ``os.urandom`` call.

    ``uuid.uuid4()`` makes a system call per id; a 1,000-row batch would spend more time
    naming its rows than predicting them.
    """
    raw = np.frombuffer(os.urandom(16 * count), dtype=np.uint8).reshape(count, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.tobytes().hex()
    return [
        "-".join(
            (
                h[i : i + 8],
                h[i + 8 : i + 12],
                h[i + 12 : i + 16],
                h[i + 16 : i + 20],
                h[i + 20 : i + 32],
            )
        )
        for i in range(0, 32 * count, 32)
    ]


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _checked(record: Mapping[str, Any], position: int) -> Mapping[str, Any]:
    """``record`` if it has the required fields and a features mapping, else a clear error."""
    if not isinstance(record, Mapping):
        raise RequestLogError(f"record {position}: expected a mapping, got {type(record).__name__}")
    missing = [field for field in _REQUIRED if field not in record]
    if missing:
        raise RequestLogError(f"record {position}: missing field(s) {', '.join(missing)}")
    if not isinstance(record[_FEATURES], Mapping):
        raise RequestLogError(f"record {position}: field 'features' must be a mapping")
    return record


def _numbers(names: list[str], values: list[Any], position: int) -> np.ndarray:
    """The feature values as floats (None = NaN), or an error naming the first bad one."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        for name, value in zip(names, values, strict=True):
            _probability(value, position, f"features.{name}")
        raise RequestLogError(f"record {position}: field 'features' holds non-numbers") from None


def _probability(value: Any, position: int, field: str = "probability") -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        message = f"record {position}: field '{field}' is not a number: {value!r}"
        raise RequestLogError(message) from None


def _utc(value: Any, position: int, now: datetime) -> pd.Timestamp:
    if value is None:
        return pd.Timestamp(now)
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise RequestLogError(f"record {position}: field 'time' is not a time: {value!r}") from None
    return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)


def _column(name: str, value: Any, count: int) -> Any:
    """``value`` as one value per row: a scalar is repeated, a sequence must have ``count``."""
    if isinstance(value, str | bytes) or not hasattr(value, "__len__"):
        return [value] * count
    if len(value) != count:
        raise RequestLogError(f"field '{name}': {len(value)} values for {count} rows")
    return value


def _times(value: Any, count: int) -> Any:
    """Nanoseconds since the epoch (UTC), one per row; now when ``value`` is None."""
    if value is None:
        return np.full(count, pd.Timestamp(datetime.now(UTC)).value, dtype=np.int64)
    try:
        stamps = pd.to_datetime(pd.Series(_column("time", value, count)), utc=True)
    except (TypeError, ValueError):
        raise RequestLogError(f"field 'time': not a time: {value!r}") from None
    return stamps.to_numpy(dtype="datetime64[ns]").view(np.int64)


def _arrow(name: str, values: Any) -> pa.Array:
    try:
        if name in _TYPES:
            return pa.array(np.asarray(values) if name == "time" else values, type=_TYPES[name])
        return pa.array(values)
    except (pa.ArrowException, TypeError, ValueError) as error:
        raise RequestLogError(f"field '{name}': cannot be logged ({error})") from None


def read_request_log(
    folder: Path | str,
    since: datetime | str | None = None,
    until: datetime | str | None = None,
) -> pd.DataFrame:
    """Every logged row with ``since <= time < until`` as a frame, features as columns.

    Parameters
    ----------
    folder
        The log folder; a missing folder is an error, an empty one gives an empty frame.
    since, until
        Optional bounds (UTC when naive; ISO text accepted).

    Returns
    -------
    pandas.DataFrame
        ``request_id``, ``time`` (UTC), ``client_id`` (nullable integer), ``probability``,
        ``decision``, ``model_version``, any extra fields, then one float column per feature,
        sorted by time.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise RequestLogError(f"request log folder not found: {folder}")
    start, end = _bound(since, "since"), _bound(until, "until")
    parts: list[tuple[pd.DataFrame, list[str]]] = []
    for path in sorted(folder.glob(FILE_GLOB)):
        match = _FILE_PATTERN.match(path.name)
        if match is None or not _may_hold_rows_since(date.fromisoformat(match[1]), start):
            continue
        table = _read_file(path)
        if table is not None and table.num_rows:
            parts.append(_to_frame(table))
    return _combine(parts, start, end)


def _bound(value: datetime | str | None, name: str) -> pd.Timestamp | None:
    if value is None:
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise RequestLogError(f"{name}: not a date or time: {value!r}") from None
    return stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)


def _may_hold_rows_since(day: date, start: pd.Timestamp | None) -> bool:
    """Whether the file of ``day`` (the day it was written) can hold rows from ``start`` on.

    A row is written at or after its time, so a file only holds rows up to its own day; it
    may hold rows of any earlier day, so ``until`` cannot prune files.
    """
    return start is None or day >= start.date()


def _read_file(path: Path) -> pa.Table | None:
    """The file's complete batches; a torn last batch (a killed writer) is skipped, warned."""
    data = pa.py_buffer(path.read_bytes())
    if data.size == 0:  # created, then killed before its first write
        return None
    try:
        return pa.ipc.open_stream(data).read_all()
    except (pa.ArrowInvalid, OSError):
        pass
    try:
        reader = pa.ipc.open_stream(data)
    except (pa.ArrowInvalid, OSError):
        log.warning("event=torn_batch_skipped file=%s batches=0", path.name)
        return None
    batches = []
    while True:
        try:
            batches.append(reader.read_next_batch())
        except StopIteration:
            break
        except (pa.ArrowInvalid, OSError):
            log.warning("event=torn_batch_skipped file=%s batches=%d", path.name, len(batches))
            break
    return pa.Table.from_batches(batches, schema=reader.schema)


def _to_frame(table: pa.Table) -> tuple[pd.DataFrame, list[str]]:
    """One file's rows: its fields, then one float column per feature; and the feature names."""
    names = json.loads(table.schema.metadata[_NAMES_KEY])
    values = table.column(_FEATURES).combine_chunks().flatten().to_numpy(zero_copy_only=False)
    features = pd.DataFrame(values.reshape(table.num_rows, len(names)), columns=names)
    meta = table.drop_columns([_FEATURES]).to_pandas()
    return pd.concat([meta, features], axis=1), names


def _combine(
    parts: list[tuple[pd.DataFrame, list[str]]],
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
) -> pd.DataFrame:
    if not parts:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in BASE_COLUMNS})
    features = list(dict.fromkeys(name for _, names in parts for name in names))
    fields = list(dict.fromkeys(c for frame, _ in parts for c in frame.columns))
    extras = [c for c in fields if c not in BASE_COLUMNS and c not in features]
    frame = pd.concat([frame for frame, _ in parts], ignore_index=True)
    frame = frame[[*BASE_COLUMNS, *extras, *features]]
    frame["client_id"] = frame["client_id"].astype("Int64")
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= frame["time"] >= start
    if end is not None:
        keep &= frame["time"] < end
    return frame[keep].sort_values("time", kind="stable").reset_index(drop=True)
