"""Find Kaggle's raw CSVs (a folder, ``.csv.gz`` files or a zip) and load them into DuckDB.

Every column is read with the type ``raw_schema`` gives it, never sniffed, so that a stray
text in a numeric column stops the build with the file, the line and the column at fault
instead of turning the whole column into text. Extra columns are ignored; a missing one is
an error. CRLF line ends and a UTF-8 byte-order mark are read like plain files.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from features.raw_schema import TABLES, Kind, columns, kinds

#: DuckDB type of each raw_schema kind.
DUCKDB_TYPES: dict[Kind, str] = {"int": "BIGINT", "float": "DOUBLE", "str": "VARCHAR"}
#: Words for a kind in an error message.
KIND_WORDS: dict[Kind, str] = {"int": "a whole number", "float": "a number", "str": "text"}
#: Cells read as missing, as pandas.read_csv reads them (an empty cell above all).
NULL_STRINGS = ("", "NA", "N/A", "NaN", "nan", "NULL", "null")
#: The one file without which there is nothing to build.
REQUIRED_TABLE = "application_train"
#: File endings accepted for a table, in order of preference.
SUFFIXES = (".csv", ".csv.gz")


class RawDataError(ValueError):
    """Raw data that cannot be used; the message is one line naming file, column and line."""


@dataclass(frozen=True)
class RawFile:
    """One raw table's file: where DuckDB reads it, and the name errors show."""

    table: str
    path: Path
    shown: str


def locate(raw: Path, scratch: Path) -> dict[str, RawFile]:
    """Find the raw table files in ``raw``: a folder of CSVs (or ``.csv.gz``), or a zip.

    A zip (given directly, or the only source of the tables in the folder) is extracted
    into ``scratch``, since DuckDB reads files, not archive members. Tables without a file
    are left out of the answer; a missing ``application_train`` raises ``RawDataError``.
    """
    if not raw.exists():
        raise RawDataError(f"{raw}: no such file or folder")
    if raw.is_file():
        if not zipfile.is_zipfile(raw):
            raise RawDataError(f"{raw}: expected a folder of CSV files or a zip of them")
        found = _extract_zip(raw, scratch)
    else:
        found = _find_in_folder(raw)
        if REQUIRED_TABLE not in found:
            for archive in sorted(raw.glob("*.zip")):
                found = {**_extract_zip(archive, scratch), **found}
    if REQUIRED_TABLE not in found:
        raise RawDataError(f"{raw}: {REQUIRED_TABLE}.csv not found (it is the one required file)")
    return found


def _find_in_folder(folder: Path) -> dict[str, RawFile]:
    by_name = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    found = {}
    for table in TABLES:
        for suffix in SUFFIXES:
            path = by_name.get(f"{table}{suffix}".lower())
            if path is not None:
                found[table] = RawFile(table, path, str(path))
                break
    return found


def _extract_zip(archive: Path, scratch: Path) -> dict[str, RawFile]:
    """Extract the members named like a table (in any sub-folder) into ``scratch``."""
    wanted = {f"{table}{suffix}".lower(): table for table in TABLES for suffix in SUFFIXES}
    found = {}
    with zipfile.ZipFile(archive) as bundle:
        for member in bundle.infolist():
            name = Path(member.filename).name
            table = wanted.get(name.lower())
            if member.is_dir() or table is None or table in found:
                continue
            target = scratch / f"{archive.stem}-{name}"
            with bundle.open(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink, length=1 << 20)
            found[table] = RawFile(table, target, f"{archive.name}:{member.filename}")
    return found


def read_header(raw_file: RawFile) -> list[str]:
    """The column names on the first line (byte-order mark and CRLF removed)."""
    opener = gzip.open if raw_file.path.name.lower().endswith(".gz") else open
    try:
        with opener(raw_file.path, "rb") as stream:
            first = stream.readline()
    except OSError as error:
        raise RawDataError(f"{raw_file.shown}: cannot be read ({error})") from None
    text = first.decode("utf-8-sig", errors="replace").rstrip("\r\n")
    if not text.strip():
        raise RawDataError(f"{raw_file.shown}, line 1: empty file, expected a header line")
    return next(csv.reader(io.StringIO(text)))


def attach_csv(
    con: duckdb.DuckDBPyConnection,
    relation: str,
    table: str,
    raw_file: RawFile,
    *,
    materialize: bool = False,
    extra_columns: Mapping[str, str] | None = None,
) -> None:
    """Make ``relation`` read ``raw_file`` with the columns and types of ``table``.

    A view by default: the file is read by the one query that uses it, so that a large
    history table never sits in memory as a whole. ``materialize`` reads it into a table
    now. ``extra_columns`` maps names to SQL expressions added to every row (``SPLIT``).
    Raises ``RawDataError`` for a missing column, or (materialized) an unreadable value.
    """
    header = read_header(raw_file)
    expected = kinds(table)
    missing = [name for name in expected if name not in header]
    if missing:
        raise RawDataError(
            f"{raw_file.shown}, line 1: missing column {missing[0]}"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
        )
    # Every column of the file is declared (extra ones as text, then left out), so
    # nothing is sniffed and each value is read as raw_schema says.
    declared = {
        name: DUCKDB_TYPES[expected[name]] if name in expected else "VARCHAR" for name in header
    }
    selected = [_quote(name) for name in columns(table)]
    selected += [f"{expr} as {_quote(name)}" for name, expr in (extra_columns or {}).items()]
    nulls = ", ".join(_literal(value) for value in NULL_STRINGS)
    query = (
        f"create or replace {'table' if materialize else 'view'} {_quote(relation)} as "
        f"select {', '.join(selected)} "
        f"from read_csv({_literal(str(raw_file.path))}, header = true, auto_detect = false, "
        f"delim = ',', quote = '\"', escape = '\"', nullstr = [{nulls}], "
        f"columns = {_struct(declared)})"
    )
    try:
        con.execute(query)
    except duckdb.Error as error:
        raise read_error(error, [raw_file]) from None


def create_empty_table(con: duckdb.DuckDBPyConnection, relation: str, table: str) -> None:
    """Create ``relation`` with the columns of ``table`` and no rows (a missing file)."""
    con.execute(f"create or replace table {_quote(relation)} ({column_definitions(table)})")


def column_definitions(table: str) -> str:
    """``"NAME" TYPE, ...`` for the columns of ``table``, in Kaggle's order."""
    return ", ".join(f"{_quote(name)} {DUCKDB_TYPES[kind]}" for name, kind in TABLES[table])


_LINE = re.compile(r"Line: (\d+)")
_CONVERSION = re.compile(r'converting column "([^"]+)"\. Could not convert string "(.*?)" to')


def read_error(error: duckdb.Error, candidates: Sequence[RawFile]) -> RawDataError:
    """A one-line ``RawDataError`` from DuckDB's multi-line CSV error.

    ``candidates`` are the files the failing query read; the one DuckDB names is blamed.
    """
    message = str(error)
    raw_file = next((f for f in candidates if f"file = {f.path}" in message), candidates[0])
    line = _LINE.search(message)
    where = f"{raw_file.shown}, line {line.group(1)}" if line else raw_file.shown
    conversion = _CONVERSION.search(message)
    if conversion:
        column, value = conversion.groups()
        wanted = KIND_WORDS.get(kinds(raw_file.table).get(column, "str"), "text")
        return RawDataError(f"{where}, column {column}: cannot read {value!r} as {wanted}")
    detail = next(
        (
            part.strip()
            for part in message.splitlines()[1:]
            if part.strip() and not part.startswith("Original Line")
        ),
        message.splitlines()[0],
    )
    return RawDataError(f"{where}: {detail}")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _struct(mapping: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in mapping.items()) + "}"
