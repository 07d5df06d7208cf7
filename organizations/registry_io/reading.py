"""Reading a registry data set (a folder of CSV files or one JSON file) into typed rows.

Nothing here touches the database. Every problem found is collected with the
place it was found (`file:line:column` for CSV, `file:$.table[index].field`
for JSON) so that one run reports all of them.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from organizations.registry_io.schema import (
    FORMAT_NAME,
    FORMAT_VERSION,
    LIST_SEPARATOR,
    TABLES,
    TABLES_BY_FILENAME,
    Column,
    ColumnType,
    Table,
)

# Larger files are refused before they are read: the whole file is held in
# memory, and a registry a hundred times the bundled one is still a few MB.
MAX_FILE_BYTES = 200 * 1024 * 1024
PROGRESS_EVERY = 5_000

Progress = Callable[[str], None]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"\d{1,4}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data, and where it is."""

    where: str
    message: str
    order: tuple = field(default=(), compare=False, repr=False)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class RegistryError(Exception):
    """The data set has problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda problem: problem.order)
        super().__init__(
            _("%(count)d problem(s) in the registry data; nothing was loaded.")
            % {"count": len(self.problems)}
        )


@dataclass(eq=False, slots=True)
class Row:
    """One record of one table, its values typed, and where it came from.

    A value that could not be read is absent from `values` and named in
    `invalid`, so later checks skip it instead of repeating the complaint.
    """

    table: Table
    file: str
    position: int  # the line (CSV, 1-based) or the index in the list (JSON, 0-based)
    columns: dict[str, int] | None  # CSV only: column name to 1-based column number
    values: dict[str, Any] = field(default_factory=dict)
    invalid: set[str] = field(default_factory=set)

    def where(self, column: str | None = None) -> str:
        if self.columns is None:
            path = f"{self.file}:$.{self.table.name}[{self.position}]"
            return f"{path}.{column}" if column else path
        return f"{self.file}:{self.position}:{self.columns.get(column, 1) if column else 1}"

    def problem(self, column: str | None, message: str) -> Problem:
        if self.columns is not None and column:
            message = f"{column}: {message}"
        number = self.columns.get(column, 0) if self.columns and column else 0
        return Problem(self.where(column), message, order=(self.file, self.position, number))

    def is_valid(self, *columns: str) -> bool:
        return not self.invalid.intersection(columns)


@dataclass
class Dataset:
    """The rows of every table that was present, and the problems found reading them."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: {t.name: [] for t in TABLES})
    problems: list[Problem] = field(default_factory=list)
    # Tables that could not be read (whole or in part): references into them
    # are not checked, as every one would be reported as unknown.
    unreadable: set[str] = field(default_factory=set)


class _BadValue(ValueError):
    pass


def read_registry(
    path: Path, *, progress: Progress | None = None, max_file_bytes: int | None = None
) -> Dataset:
    """Read a folder of CSV files or a `.json` file; problems are collected, not raised.

    A file larger than `max_file_bytes` (default MAX_FILE_BYTES) is refused
    unread. Raises RegistryError only when `path` cannot be a data set at all.
    """
    if max_file_bytes is None:
        max_file_bytes = MAX_FILE_BYTES
    if path.is_dir():
        return _read_csv_folder(path, progress, max_file_bytes)
    if path.is_file() and path.suffix.lower() == ".json":
        return _read_json_file(path, progress, max_file_bytes)
    if not path.exists():
        raise RegistryError([Problem(str(path), _("no such file or folder"))])
    raise RegistryError([Problem(str(path), _("expected a folder of CSV files or a .json file"))])


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it is inside it, as people type it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _read_text(
    path: Path, display: str, problems: list[Problem], max_file_bytes: int
) -> str | None:
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= max_file_bytes else b""
    except OSError as error:
        problems.append(Problem(display, error.strerror or str(error), order=(display, 0, 0)))
        return None
    if size > max_file_bytes:
        problems.append(
            Problem(
                display,
                _("the file is %(size)s; files over %(limit)s are refused")
                % {"size": _megabytes(size), "limit": _megabytes(max_file_bytes)},
                order=(display, 0, 0),
            )
        )
        return None
    try:
        # utf-8-sig: a byte-order mark, as spreadsheet programs write, is dropped.
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(
            Problem(
                f"{display}:{line}:{column}",
                _("the file is not UTF-8 text (byte 0x%(byte)02x); save it as UTF-8")
                % {"byte": data[error.start]},
                order=(display, line, column),
            )
        )
        return None


def _megabytes(size: int) -> str:
    """`size` for people: bytes below a megabyte, then megabytes, to a tenth while few."""
    if size < 1024 * 1024:
        return f"{size} bytes"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.1f} MB" if megabytes < 10 else f"{megabytes:.0f} MB"


def _report_progress(progress: Progress | None, display: str, count: int) -> None:
    if progress and count % PROGRESS_EVERY == 0:
        progress(_("%(file)s: %(count)s rows read") % {"file": display, "count": f"{count:,}"})


# CSV ------------------------------------------------------------------------


def _read_csv_folder(folder: Path, progress: Progress | None, max_file_bytes: int) -> Dataset:
    dataset = Dataset()
    expected = ", ".join(table.filename for table in TABLES)
    for entry in sorted(folder.iterdir()):
        if entry.suffix.lower() == ".csv" and entry.name not in TABLES_BY_FILENAME:
            display = display_path(entry)
            dataset.problems.append(
                Problem(
                    display,
                    _("unknown file; a registry folder holds %(files)s") % {"files": expected},
                    order=(display, 0, 0),
                )
            )
    found = False
    for table in TABLES:
        path = folder / table.filename
        if not path.is_file():
            continue
        found = True
        display = display_path(path)
        text = _read_text(path, display, dataset.problems, max_file_bytes)
        complete = False
        if text is not None:
            dataset.rows[table.name], complete = _read_csv_rows(
                text, table, display, dataset.problems, progress
            )
        if not complete:
            dataset.unreadable.add(table.name)
    if not found and not dataset.problems:
        display = display_path(folder)
        dataset.problems.append(
            Problem(
                display,
                _("no registry files in this folder; expected one or more of %(files)s")
                % {"files": expected},
                order=(display, 0, 0),
            )
        )
    return dataset


def _read_csv_rows(
    text: str, table: Table, display: str, problems: list[Problem], progress: Progress | None
) -> tuple[list[Row], bool]:
    """The rows of one file, and whether every row of it could be read."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[Row] = []
    columns: dict[str, int] | None = None
    header: list[str] = []
    complete = True
    end_of_previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            line = reader.line_num
            problems.append(
                Problem(
                    f"{display}:{line}:1",
                    _("malformed CSV: %(error)s") % {"error": error},
                    order=(display, line, 1),
                )
            )
            complete = False
            break
        line = end_of_previous + 1
        end_of_previous = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if columns is None:
            header = [cell.strip() for cell in cells]
            columns = _check_header(header, table, display, line, problems)
            if columns is None:
                return [], False
            continue
        row = Row(table, display, line, columns)
        if len(cells) != len(header):
            problems.append(
                Problem(
                    f"{display}:{line}:{min(len(cells), len(header)) + 1}",
                    _("this row has %(cells)d cells but the header has %(columns)d")
                    % {"cells": len(cells), "columns": len(header)},
                    order=(display, line, 0),
                )
            )
            complete = False
            continue
        for name, cell in zip(header, cells, strict=True):
            try:
                row.values[name] = _csv_value(table.column(name), cell)
            except _BadValue as error:
                row.invalid.add(name)
                problems.append(row.problem(name, str(error)))
        _absent_columns_blank(row)
        rows.append(row)
        _report_progress(progress, display, len(rows))
    if columns is None:
        problems.append(
            Problem(
                f"{display}:1:1",
                _("the file is empty; it needs at least the header row: %(header)s")
                % {"header": ",".join(table.column_names)},
                order=(display, 1, 1),
            )
        )
        complete = False
    return rows, complete


def _check_header(
    header: list[str], table: Table, display: str, line: int, problems: list[Problem]
) -> dict[str, int] | None:
    """Column numbers by name, or None (after reporting why) when the header is unusable."""
    expected = ",".join(table.column_names)
    if not set(header) & set(table.column_names):
        problems.append(
            Problem(
                f"{display}:{line}:1",
                _("missing header row; the first line must be: %(header)s") % {"header": expected},
                order=(display, line, 1),
            )
        )
        return None
    found_problem = False
    seen: set[str] = set()
    for number, name in enumerate(header, start=1):
        if name not in table.column_names:
            message = _('unknown column "%(name)s"; the columns of %(file)s are: %(header)s')
        elif name in seen:
            message = _('column "%(name)s" appears twice')
        else:
            seen.add(name)
            continue
        found_problem = True
        problems.append(
            Problem(
                f"{display}:{line}:{number}",
                message % {"name": name, "file": table.filename, "header": expected},
                order=(display, line, number),
            )
        )
    missing = [
        column.name
        for column in table.columns
        if column.name not in seen and not column.added_later
    ]
    if missing:
        found_problem = True
        problems.append(
            Problem(
                f"{display}:{line}:1",
                _("missing columns: %(names)s") % {"names": ", ".join(missing)},
                order=(display, line, 1),
            )
        )
    if found_problem:
        return None
    return {name: number for number, name in enumerate(header, start=1)}


def _absent_columns_blank(row: Row) -> None:
    """Columns the format added after the file was written are blank (see `Column.added_later`)."""
    for column in row.table.columns:
        if column.name not in row.values and column.name not in row.invalid:
            row.values[column.name] = column.empty_value()


def _csv_value(column: Column, cell: str) -> Any:
    text = cell.strip()
    if column.type is ColumnType.TEXT:
        return text
    if column.type is ColumnType.LIST:
        return _unique_items([item.strip() for item in text.split(LIST_SEPARATOR)])
    if not text:
        return column.empty_value()
    if column.type is ColumnType.BOOLEAN:
        if text.lower() in ("true", "false"):
            return text.lower() == "true"
        raise _BadValue(_('expected true or false, not "%(value)s"') % {"value": text})
    if column.type is ColumnType.YEAR:
        if not _YEAR.fullmatch(text):
            raise _BadValue(_('expected a year such as 1948, not "%(value)s"') % {"value": text})
        return _year(int(text))
    return _date(text)


# JSON -----------------------------------------------------------------------


def _read_json_file(path: Path, progress: Progress | None, max_file_bytes: int) -> Dataset:
    dataset = Dataset()
    display = display_path(path)
    problems = dataset.problems
    text = _read_text(path, display, problems, max_file_bytes)
    if text is None:
        return dataset
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        problems.append(
            Problem(
                f"{display}:{error.lineno}:{error.colno}",
                _("malformed JSON: %(error)s") % {"error": error.msg},
                order=(display, error.lineno, error.colno),
            )
        )
        return dataset
    except RecursionError:
        problems.append(
            Problem(display, _("malformed JSON: nested too deeply"), order=(display, 0, 0))
        )
        return dataset
    except ValueError as error:  # an integer too long for Python to convert
        problems.append(
            Problem(
                display, _("malformed JSON: %(error)s") % {"error": error}, order=(display, 0, 0)
            )
        )
        return dataset

    def problem(path: str, message: str) -> None:
        problems.append(Problem(f"{display}:{path}", message, order=(display, -1, 0)))

    if not isinstance(document, dict):
        problem("$", _('expected an object with "format": "%(format)s"') % {"format": FORMAT_NAME})
        return dataset
    if document.get("format") != FORMAT_NAME:
        problem("$.format", _('expected "%(format)s"') % {"format": FORMAT_NAME})
        return dataset
    version = document.get("version")
    if type(version) is not int or version != FORMAT_VERSION:
        problem(
            "$.version",
            _("unsupported version %(version)s; this Concordance reads version %(supported)d")
            % {"version": json.dumps(version), "supported": FORMAT_VERSION},
        )
        return dataset
    known = {"format", "version", *(table.name for table in TABLES)}
    for key in document:
        if key not in known:
            problem(
                f"$.{key}",
                _("unknown key; expected %(keys)s") % {"keys": ", ".join(sorted(known))},
            )
    for table in TABLES:
        items = document.get(table.name)
        if items is None:
            continue
        if not isinstance(items, list):
            problem(f"$.{table.name}", _("expected a list of objects"))
            dataset.unreadable.add(table.name)
            continue
        dataset.rows[table.name], complete = _read_json_rows(
            items, table, display, problems, progress
        )
        if not complete:
            dataset.unreadable.add(table.name)
    return dataset


def _read_json_rows(
    items: list, table: Table, display: str, problems: list[Problem], progress: Progress | None
) -> tuple[list[Row], bool]:
    """The rows of one table, and whether every row of it could be read."""
    names = table.column_names
    rows = []
    complete = True
    for index, item in enumerate(items):
        row = Row(table, display, index, None)
        if not isinstance(item, dict):
            problems.append(row.problem(None, _("expected an object")))
            complete = False
            continue
        unknown = [key for key in item if key not in names]
        missing = [c.name for c in table.columns if c.name not in item and not c.added_later]
        for key in unknown:
            problems.append(
                row.problem(
                    key,
                    _("unknown field; the fields of %(table)s are: %(names)s")
                    % {"table": table.name, "names": ", ".join(names)},
                )
            )
        if missing:
            problems.append(
                row.problem(None, _("missing fields: %(names)s") % {"names": ", ".join(missing)})
            )
            row.invalid.update(missing)
        for column in table.columns:
            if column.name in row.invalid:
                continue
            if column.name not in item:  # added to the format after the file was written
                row.values[column.name] = column.empty_value()
                continue
            try:
                row.values[column.name] = _json_value(column, item[column.name])
            except _BadValue as error:
                row.invalid.add(column.name)
                problems.append(row.problem(column.name, str(error)))
        rows.append(row)
        _report_progress(progress, display, len(rows))
    return rows, complete


def _json_value(column: Column, value: Any) -> Any:
    if value is None or (value == "" and column.type is not ColumnType.TEXT):
        return column.empty_value()
    if column.type is ColumnType.TEXT:
        if isinstance(value, str):
            return value.strip()
        raise _BadValue(_("expected a string, not %(value)s") % {"value": json.dumps(value)})
    if column.type is ColumnType.BOOLEAN:
        if isinstance(value, bool):
            return value
        raise _BadValue(_("expected true or false, not %(value)s") % {"value": json.dumps(value)})
    if column.type is ColumnType.YEAR:
        if type(value) is int:
            return _year(value)
        raise _BadValue(
            _("expected a year such as 1948, not %(value)s") % {"value": json.dumps(value)}
        )
    if column.type is ColumnType.LIST:
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return _unique_items([item.strip() for item in value])
        raise _BadValue(_("expected a list of strings"))
    if isinstance(value, str):
        return _date(value.strip())
    raise _BadValue(
        _("expected a date as YYYY-MM-DD, not %(value)s") % {"value": json.dumps(value)}
    )


# Values shared by both formats -----------------------------------------------


def _unique_items(items: list[str]) -> list[str]:
    present = [item for item in items if item]
    seen: set[str] = set()
    for item in present:
        if item in seen:
            raise _BadValue(_('"%(item)s" is listed twice') % {"item": item})
        seen.add(item)
    return present


def _year(year: int) -> int:
    this_year = datetime.date.today().year
    if not 1 <= year <= this_year:
        raise _BadValue(
            _("%(year)d is not a year between 1 and %(this_year)d")
            % {"year": year, "this_year": this_year}
        )
    return year


def _date(text: str) -> datetime.date | None:
    if not text:
        return None
    if _DATE.fullmatch(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            pass
    raise _BadValue(_('expected a date as YYYY-MM-DD, not "%(value)s"') % {"value": text})
