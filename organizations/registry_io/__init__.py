"""Import and export of the registry.

A registry data set is a folder of CSV files or one JSON file, in the format
described by `organizations.registry_io.schema`:

- CSV: UTF-8 files with a header row, one per table (domains.csv,
  instruments.csv, organizations.csv, names.csv, sources.csv, events.csv); a
  missing file is an empty table; lists inside a cell are `;`-separated;
  booleans are `true`/`false`, dates `YYYY-MM-DD`.
- JSON: `{"format": "concordance-registry", "version": 1, "domains": [...], …}`
  whose objects carry the same fields as the CSV columns.

`load_registry` checks a data set completely and then creates and updates
records by natural key, all or nothing; `registry_records` with `registry_json`
or `write_csv` exports the whole registry.
"""

from organizations.registry_io.exporting import (
    ExportError,
    csv_rows,
    registry_json,
    registry_records,
    write_csv,
)
from organizations.registry_io.loading import (
    BUNDLED_REGISTRY,
    LoadReport,
    TableReport,
    load_registry,
)
from organizations.registry_io.reading import MAX_FILE_BYTES, Problem, RegistryError

__all__ = [
    "BUNDLED_REGISTRY",
    "MAX_FILE_BYTES",
    "ExportError",
    "LoadReport",
    "Problem",
    "RegistryError",
    "TableReport",
    "csv_rows",
    "load_registry",
    "registry_json",
    "registry_records",
    "write_csv",
]
