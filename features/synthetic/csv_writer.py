"""Stream chunks of rows to CSV files formatted like Kaggle's.

DuckDB writes each chunk (fast, multi-threaded) and the part is appended to the
table's file, so memory stays bounded by one chunk. DuckDB's number formatting is
Kaggle's (pandas'): floats always with a decimal point (``746.0``) in their shortest
round-trip form, integers without one, an empty field for a missing value, and
quotes only where a value needs them (``"Spouse, partner"``).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

import duckdb
import numpy as np
import pyarrow as pa

from features.raw_schema import Kind
from features.synthetic.sampling import Codes

Columns = Mapping[str, "np.ndarray | Codes"]
Schema = Sequence[tuple[str, Kind]]


def to_arrow(columns: Columns, schema: Schema) -> pa.Table:
    """An Arrow table of ``columns`` in ``schema`` order with the schema's kinds.

    Raises ``KeyError`` naming the column when one is missing, and ``ValueError`` for
    columns the schema does not know: the generator must write exactly Kaggle's columns.
    """
    extra = set(columns) - {name for name, _ in schema}
    if extra:
        raise ValueError(f"columns not in the schema: {sorted(extra)}")
    arrays = []
    for name, kind in schema:
        if name not in columns:
            raise KeyError(f"column {name} was not generated")
        value = columns[name]
        if kind == "str":
            if not isinstance(value, Codes):
                raise TypeError(f"column {name} must be categorical codes")
            codes = value.codes.astype(np.int32)
            arrays.append(
                pa.DictionaryArray.from_arrays(
                    pa.array(codes, mask=codes < 0), pa.array(value.labels, pa.string())
                )
            )
        elif kind == "int":
            arrays.append(pa.array(np.asarray(value, dtype=np.int64)))
        else:
            # "+ 0.0" turns -0.0 into 0.0, which Kaggle never writes.
            floats = np.asarray(value, dtype=np.float64) + 0.0
            arrays.append(pa.array(floats, mask=np.isnan(floats)))
    return pa.Table.from_arrays(arrays, names=[name for name, _ in schema])


class CsvTables:
    """Open CSV files, one per table, to which chunks of rows are appended in order."""

    def __init__(self, paths: Mapping[str, Path], schemas: Mapping[str, Schema]) -> None:
        self.paths = dict(paths)
        self.schemas = dict(schemas)
        self.rows = dict.fromkeys(self.paths, 0)
        self._parts = Path(
            tempfile.mkdtemp(prefix=".parts-", dir=next(iter(self.paths.values())).parent)
        )
        self._files = {}
        for table, path in self.paths.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = path.open("wb")
            handle.write((",".join(name for name, _ in self.schemas[table]) + "\n").encode())
            self._files[table] = handle
        self._db = duckdb.connect()
        self._db.execute("SET enable_progress_bar = false")

    def append(self, table: str, columns: Columns) -> None:
        """Write the rows of ``columns`` at the end of ``table``'s file."""
        arrow = to_arrow(columns, self.schemas[table])
        if arrow.num_rows == 0:
            return
        part = self._parts / f"{table}.csv"
        self._db.register("chunk", arrow)
        target = str(part).replace("'", "''")
        self._db.execute(f"COPY chunk TO '{target}' (HEADER false, DELIMITER ',')")
        self._db.unregister("chunk")
        with part.open("rb") as source:
            shutil.copyfileobj(source, self._files[table], length=16 << 20)
        part.unlink()
        self.rows[table] += arrow.num_rows

    def close(self) -> None:
        """Flush and close every file."""
        for handle in self._files.values():
            handle.close()
        self._db.close()
        shutil.rmtree(self._parts, ignore_errors=True)

    def __enter__(self) -> CsvTables:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
