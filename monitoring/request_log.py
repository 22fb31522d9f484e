"""A durable, append-only log of every application the service scored (the drift job's input).

Why this layout: each process writes its own JSON Lines file per UTC day
(``requests-YYYY-MM-DD-<pid>-<start>.jsonl``), so several workers never share a file and a
restarted process never appends after a line torn by a crash. A batch is one ``write`` on an
``O_APPEND`` descriptor followed by ``fsync``, and ``append()`` returns only once its rows are
on disk: the service acknowledges nothing that a power cut or ``SIGKILL`` could take back.
Threads of one process share the fsync (group commit): while one thread syncs, the others queue
their rows, and the next sync carries them all, so concurrency does not multiply disk waits.

The reader skips a torn last line (the only damage a killed writer can leave) with a warning.
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from credit_scoring.logs import get_logger

log = get_logger(__name__)

#: Columns of every row, in the order the reader returns them (features follow).
BASE_COLUMNS = ("request_id", "time", "client_id", "probability", "decision", "model_version")
_REQUIRED = ("probability", "decision", "model_version", "features")
_FILE_PATTERN = re.compile(r"^requests-(\d{4}-\d{2}-\d{2})-.+\.jsonl$")


class RequestLogError(ValueError):
    """A record that cannot be logged, or a log folder that cannot be read."""


class RequestLog:
    """Append scored applications to JSON Lines files in ``folder``, durably.

    Parameters
    ----------
    folder
        Where the files go (created if missing). Several processes may share it.

    Each record is a mapping with ``features`` (feature name to number or None),
    ``probability``, ``decision``, ``model_version``, and optionally ``client_id``,
    ``time`` (UTC; default now) and ``request_id`` (default a new UUID). Extra keys are kept.
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
        self._pending: list[bytes] = []
        self._queued = 0  # number of the last batch queued
        self._durable = 0  # every batch up to this number is on disk (or failed)
        self._flushing = False
        self._errors: dict[int, OSError] = {}
        self._fd: int | None = None
        self._day: str | None = None

    def append(self, records: Sequence[Mapping[str, Any]]) -> list[str]:
        """Write ``records`` and return their request ids once they are on disk.

        Raises
        ------
        RequestLogError
            When a record lacks a required field or has a value JSON cannot carry.
        OSError
            When the disk write or fsync fails: nothing is acknowledged then.
        """
        if os.getpid() != self._pid:  # forked after creation: never share the parent's file
            self._reset_process_state()
        rows = [_normalise(record, position) for position, record in enumerate(records)]
        if not rows:
            return []
        payload = "".join(json.dumps(row, allow_nan=False) + "\n" for row in rows).encode()
        self._commit(payload)
        return [row["request_id"] for row in rows]

    def _commit(self, payload: bytes) -> None:
        """Queue ``payload`` and return once a sync has carried it to disk (group commit)."""
        with self._cond:
            self._pending.append(payload)
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
                    self._write(b"".join(batch))
                except OSError as exc:
                    error = exc
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

    def _write(self, data: bytes) -> None:
        fd = self._file_for(datetime.now(UTC).date().isoformat())
        view = memoryview(data)
        while view:  # a regular file takes it in one write; loop in case it does not
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)

    def _file_for(self, day: str) -> int:
        if self._fd is not None and day == self._day:
            return self._fd
        if self._fd is not None:
            os.close(self._fd)
        path = self.folder / f"requests-{day}-{self._pid}-{self._start}{self._token}.jsonl"
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
        self._day = day
        _fsync_dir(self.folder)  # the new name itself must survive a crash
        return self._fd

    def close(self) -> None:
        """Close the current file (appending again reopens it)."""
        with self._cond:
            if self._fd is not None and os.getpid() == self._pid:
                os.close(self._fd)
            self._fd, self._day = None, None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _normalise(record: Mapping[str, Any], position: int) -> dict[str, Any]:
    """One record as a JSON-ready dict with all base fields, or a clear error."""
    if not isinstance(record, Mapping):
        raise RequestLogError(f"record {position}: expected a mapping, got {type(record).__name__}")
    missing = [field for field in _REQUIRED if field not in record]
    if missing:
        raise RequestLogError(f"record {position}: missing field(s) {', '.join(missing)}")
    features = record["features"]
    if not isinstance(features, Mapping):
        raise RequestLogError(f"record {position}: field 'features' must be a mapping")
    row = dict(record)
    row["request_id"] = str(record.get("request_id") or uuid.uuid4())
    row["time"] = _utc_text(record.get("time"), position)
    client_id = record.get("client_id")
    row["client_id"] = None if client_id is None else int(client_id)
    row["probability"] = _number(record["probability"], position, "probability")
    row["decision"] = str(record["decision"])
    row["model_version"] = str(record["model_version"])
    row["features"] = {
        str(name): _number(value, position, f"features.{name}") for name, value in features.items()
    }
    return row


def _number(value: Any, position: int, field: str) -> float | None:
    """A float for JSON; NaN and None become null (JSON has no NaN)."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        message = f"record {position}: field '{field}' is not a number: {value!r}"
        raise RequestLogError(message) from None
    return None if math.isnan(number) else number


def _utc_text(value: Any, position: int) -> str:
    if value is None:
        return datetime.now(UTC).isoformat()
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise RequestLogError(f"record {position}: field 'time' is not a time: {value!r}") from None
    stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
    return stamp.isoformat()


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
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("requests-*.jsonl")):
        match = _FILE_PATTERN.match(path.name)
        if match is None or not _may_hold_rows_since(date.fromisoformat(match[1]), start):
            continue
        rows.extend(_read_file(path))
    return _to_frame(rows, start, end)


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


def _read_file(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    complete, _, torn = data.rpartition(b"\n")
    if torn.strip():
        log.warning("event=torn_line_skipped file=%s bytes=%d", path.name, len(torn))
    rows = []
    for number, line in enumerate(complete.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except ValueError:
            log.warning("event=bad_line_skipped file=%s line=%d", path.name, number)
    return rows


def _to_frame(
    rows: list[dict[str, Any]], start: pd.Timestamp | None, end: pd.Timestamp | None
) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in BASE_COLUMNS})
    features = pd.DataFrame([row.pop("features") for row in rows], dtype="float64")
    meta = pd.DataFrame.from_records(rows)
    clash = sorted(set(meta.columns) & set(features.columns))
    if clash:
        raise RequestLogError(f"feature name(s) clash with log fields: {', '.join(clash)}")
    meta["time"] = pd.to_datetime(meta["time"], utc=True, format="ISO8601")
    meta["client_id"] = meta["client_id"].astype("Int64")
    ordered = [*BASE_COLUMNS, *(c for c in meta.columns if c not in BASE_COLUMNS)]
    frame = pd.concat([meta[ordered], features], axis=1)
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= frame["time"] >= start
    if end is not None:
        keep &= frame["time"] < end
    return frame[keep].sort_values("time", kind="stable").reset_index(drop=True)
