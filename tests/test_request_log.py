"""The request log: exactly one row per acknowledged request, under concurrency and crashes."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from monitoring.request_log import (
    FILE_GLOB,
    RequestLog,
    RequestLogError,
    new_request_ids,
    read_request_log,
)

REPO = Path(__file__).resolve().parents[1]
#: The start of a batch message a killed writer left: a header announcing 256 bytes, 20 written.
TORN = b"\xff\xff\xff\xff\x00\x01\x00\x00" + b"x" * 20

#: A writer process: appends one record per request, prints each id once ``append`` returned.
WRITER = textwrap.dedent(
    """
    import sys
    from monitoring.request_log import RequestLog

    folder, count, width = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    log = RequestLog(folder)
    features = {f"F{i}": i * 0.5 for i in range(width)}
    number = 0
    while count < 0 or number < count:
        (request_id,) = log.append([{"client_id": number, "features": features,
                                     "probability": 0.1, "decision": "granted",
                                     "model_version": "v1"}])
        print(request_id, flush=True)
        number += 1
    """
)


def _record(client_id: int, **extra: object) -> dict[str, object]:
    return {
        "client_id": client_id,
        "features": {"DAYS_BIRTH": -12000.0 - client_id, "AMT_CREDIT": float("nan")},
        "probability": 0.2,
        "decision": "granted",
        "model_version": "20261122_abc",
        **extra,
    }


def _writer(folder: Path, count: int, width: int = 5) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    args = [sys.executable, "-c", WRITER, str(folder), str(count), str(width)]
    return subprocess.Popen(args, stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)


def test_request_log_round_trip_flattens_features(tmp_path: Path) -> None:
    """A record comes back with its fields, features as float columns, NaN as missing."""
    ids = RequestLog(tmp_path).append([_record(100002)])
    frame = read_request_log(tmp_path)
    assert list(frame.columns[:6]) == [
        "request_id",
        "time",
        "client_id",
        "probability",
        "decision",
        "model_version",
    ]
    row = frame.iloc[0]
    assert row["request_id"] == ids[0]
    assert row["client_id"] == 100002
    assert row["DAYS_BIRTH"] == -112002.0
    assert pd.isna(row["AMT_CREDIT"])
    assert str(frame["time"].dtype) == "datetime64[ns, UTC]"


def test_request_log_concurrent_threads_give_exactly_n_rows(tmp_path: Path) -> None:
    """16 threads appending 25 requests each leave exactly 400 distinct rows."""
    log = RequestLog(tmp_path)
    acked: list[str] = []

    def work(offset: int) -> None:
        for number in range(25):
            acked.extend(log.append([_record(offset * 100 + number)]))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    frame = read_request_log(tmp_path)
    assert len(frame) == 400
    assert sorted(frame["request_id"]) == sorted(acked)
    assert frame["client_id"].is_unique


def test_request_log_concurrent_processes_give_exactly_n_rows(tmp_path: Path) -> None:
    """Four writer processes sharing the folder give exactly the rows they acknowledged."""
    writers = [_writer(tmp_path, 60) for _ in range(4)]
    acked = [line.strip() for writer in writers for line in writer.communicate()[0].splitlines()]
    assert all(writer.returncode == 0 for writer in writers)
    frame = read_request_log(tmp_path)
    assert len(acked) == 240
    assert sorted(frame["request_id"]) == sorted(acked)


def test_request_log_sigkill_loses_no_acknowledged_row(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A writer killed mid-loop keeps every acknowledged row and leaves a readable log."""
    writer = _writer(tmp_path, -1, width=800)  # wide rows: the kill lands inside a write
    assert writer.stdout is not None
    acked = [writer.stdout.readline().strip() for _ in range(150)]
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    acked += [line.strip() for line in writer.stdout.read().splitlines() if line.strip()]
    with caplog.at_level(logging.WARNING):
        frame = read_request_log(tmp_path)
    assert set(acked) <= set(frame["request_id"])
    assert frame["request_id"].is_unique
    assert frame["F799"].eq(399.5).all()


def test_request_log_reader_skips_torn_last_line_with_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The partial batch a crash leaves is skipped, with a warning, and the rest is read."""
    RequestLog(tmp_path).append([_record(1), _record(2)])
    (path,) = tmp_path.glob(FILE_GLOB)
    with path.open("ab") as handle:
        handle.write(TORN)
    with caplog.at_level(logging.WARNING):
        frame = read_request_log(tmp_path)
    assert list(frame["client_id"]) == [1, 2]
    assert "torn_batch_skipped" in caplog.text


def test_request_log_restart_appends(tmp_path: Path) -> None:
    """A new writer on the same folder adds rows beside the old ones, after a torn batch too."""
    first = RequestLog(tmp_path)
    first.append([_record(1)])
    first.close()
    (old,) = tmp_path.glob(FILE_GLOB)
    with old.open("ab") as handle:
        handle.write(TORN)
    RequestLog(tmp_path).append([_record(2), _record(3)])
    assert list(read_request_log(tmp_path)["client_id"]) == [1, 2, 3]
    assert len(list(tmp_path.glob(FILE_GLOB))) == 2


def test_read_request_log_time_window(tmp_path: Path) -> None:
    """``since`` is inclusive, ``until`` exclusive, naive bounds are UTC."""
    RequestLog(tmp_path).append(
        [_record(day, time=f"2026-11-{day:02d}T12:00:00+00:00") for day in (20, 21, 22)]
    )
    window = read_request_log(tmp_path, since="2026-11-21T12:00:00", until="2026-11-22T12:00")
    assert list(window["client_id"]) == [21]


def test_read_request_log_empty_folder_gives_empty_frame(tmp_path: Path) -> None:
    """No requests yet is not an error: an empty frame with the base columns."""
    frame = read_request_log(tmp_path)
    assert frame.empty
    assert "probability" in frame.columns


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"features": {}, "decision": "granted", "model_version": "v"}, "probability"),
        ({**_record(1), "features": [1.0]}, "'features' must be a mapping"),
        ({**_record(1), "features": {"AGE": "old"}}, "features.AGE"),
        ({**_record(1), "time": "yesterday-ish"}, "'time'"),
    ],
)
def test_request_log_rejects_bad_record(tmp_path: Path, record: dict, message: str) -> None:
    """A bad record is refused with the field at fault, and nothing is written."""
    with pytest.raises(RequestLogError, match=message):
        RequestLog(tmp_path).append([_record(0), record])
    assert read_request_log(tmp_path).empty


def test_read_request_log_missing_folder_is_clear(tmp_path: Path) -> None:
    """A wrong folder names itself."""
    with pytest.raises(RequestLogError, match="request log folder not found"):
        read_request_log(tmp_path / "nowhere")


def test_read_request_log_window_reads_rows_written_after_their_day(tmp_path: Path) -> None:
    """A row stamped before midnight but written after it is still in its window."""
    for client_id, stamp, day in [
        (7, "2026-11-21T23:59:59.999+00:00", "2026-11-22"),
        (8, "2026-11-01T10:00:00+00:00", "2026-11-01"),
    ]:
        log = RequestLog(tmp_path / "writing")
        log.append([_record(client_id, time=stamp)])
        log.close()
        (path,) = (tmp_path / "writing").glob(FILE_GLOB)
        path.rename(tmp_path / f"requests-{day}-1-x-1.arrows")  # as if written on that day
    window = read_request_log(tmp_path, since="2026-11-21", until="2026-11-22")
    assert list(window["client_id"]) == [7]


def test_request_log_append_frame_reads_back_like_append(tmp_path: Path) -> None:
    """The service's columnar path gives the same rows as mappings, scalars repeated."""
    features = pd.DataFrame({"DAYS_BIRTH": [-12001.0, -12002.0], "AMT_CREDIT": [np.nan, 5.0]})
    RequestLog(tmp_path / "frame").append_frame(
        features,
        client_id=[1, None],
        probability=[0.2, 0.7],
        decision=["granted", "refused"],
        threshold=0.5,
        model_version="v1",
        time="2026-11-22T10:00:00",
    )
    records = [
        {"features": row, "client_id": client, "probability": p, "decision": d}
        for row, client, p, d in zip(
            features.to_dict("records"), [1, None], [0.2, 0.7], ["granted", "refused"], strict=True
        )
    ]
    RequestLog(tmp_path / "records").append(
        [
            {**r, "threshold": 0.5, "model_version": "v1", "time": "2026-11-22T10:00"}
            for r in records
        ]
    )
    by_frame = read_request_log(tmp_path / "frame").drop(columns="request_id")
    by_records = read_request_log(tmp_path / "records").drop(columns="request_id")
    pd.testing.assert_frame_equal(by_frame, by_records)
    assert list(by_frame.columns[5:]) == ["threshold", "DAYS_BIRTH", "AMT_CREDIT"]
    assert by_frame["client_id"].isna().tolist() == [False, True]


def test_request_log_other_features_start_a_new_file(tmp_path: Path) -> None:
    """A batch with other columns (a new model) goes to a new file; the reader joins them."""
    log = RequestLog(tmp_path)
    log.append([_record(1)])
    log.append([{**_record(2), "features": {"EXT_SOURCE_1": 0.5}}])
    log.append([_record(3)])
    frame = read_request_log(tmp_path)
    assert len(list(tmp_path.glob(FILE_GLOB))) == 3
    assert list(frame["client_id"]) == [1, 2, 3]
    assert frame["EXT_SOURCE_1"].isna().tolist() == [True, False, True]


def test_request_log_append_frame_rejects_wrong_length(tmp_path: Path) -> None:
    """A field with one value too few is refused by name, and nothing is written."""
    log = RequestLog(tmp_path)
    with pytest.raises(RequestLogError, match="field 'decision': 1 values for 2 rows"):
        log.append_frame(
            pd.DataFrame({"A": [1.0, 2.0]}),
            probability=[0.1, 0.2],
            decision=["granted"],
            model_version="v",
        )
    assert read_request_log(tmp_path).empty


def test_request_log_append_matrix_equals_append_frame(tmp_path: Path) -> None:
    """The service's matrix path writes what the frame path writes; a bad shape is named."""
    features = pd.DataFrame({"DAYS_BIRTH": [-12001.0, -12002.0], "AMT_CREDIT": [np.nan, 5.0]})
    fields = {
        "client_id": [1, None],
        "probability": np.array([0.2, 0.7]),
        "decision": ["granted", "refused"],
        "model_version": "v1",
        "time": "2026-11-22T10:00:00",
    }
    RequestLog(tmp_path / "frame").append_frame(features, **fields)
    log = RequestLog(tmp_path / "matrix")
    log.append_matrix(features.to_numpy(), list(features.columns), **fields)
    pd.testing.assert_frame_equal(
        read_request_log(tmp_path / "frame").drop(columns="request_id"),
        read_request_log(tmp_path / "matrix").drop(columns="request_id"),
    )
    with pytest.raises(RequestLogError, match="a matrix of 3 columns expected, got shape"):
        log.append_matrix(features.to_numpy(), ["A", "B", "C"], **fields)


def test_new_request_ids_are_unique_version_4_uuids() -> None:
    ids = new_request_ids(5000)
    assert len(set(ids)) == 5000
    assert {uuid.UUID(i).version for i in ids} == {4}
    assert all(str(uuid.UUID(i)) == i for i in ids[:100])
