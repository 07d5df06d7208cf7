"""`manage.py load_registry [PATH]`: create and update registry records from a data set."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.registry_io import (
    BUNDLED_REGISTRY,
    MAX_FILE_BYTES,
    RegistryError,
    load_registry,
)
from organizations.registry_io.reading import display_path


class Command(BaseCommand):
    help = (
        "Load registry data from PATH, a folder of CSV files or a .json file; without PATH, "
        "the bundled registry in organizations/data/registry/. Records are matched by natural "
        "key (domain, instrument and organization slug; organization + language + name; source "
        "URL; event key) and created or updated; for those records, domains, source "
        "organizations and event sources become exactly what the data says. Records the data "
        "does not mention are left alone, never deleted. Everything is checked before anything "
        "is written: each problem is reported as file:line:column (file:$.table[index].field "
        "for JSON), and when there is any the command fails and writes nothing. Files over "
        "--max-file-size megabytes (200 by default) are refused unread. Running it twice "
        "changes nothing the second time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="A folder of CSV files or a .json file (default: the bundled registry).",
        )
        parser.add_argument(
            "--max-file-size",
            type=int,
            metavar="MB",
            help=f"Refuse, unread, any file larger than this many megabytes (default: "
            f"{MAX_FILE_BYTES // (1024 * 1024)}). Each file is held in memory while it is checked.",
        )

    def handle(
        self, *args, path: Path | None, max_file_size: int | None, verbosity: int, **options
    ):
        if max_file_size is not None and max_file_size < 1:
            raise CommandError(_("--max-file-size must be at least 1 (megabyte)."))
        path = path or BUNDLED_REGISTRY
        started = time.monotonic()
        progress = (lambda message: self.stdout.write(message)) if verbosity >= 1 else None
        try:
            report = load_registry(
                path=path,
                progress=progress,
                max_file_bytes=max_file_size * 1024 * 1024 if max_file_size else None,
            )
        except RegistryError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(str(error)) from None
        if verbosity >= 1:
            for table, counts in report.tables.items():
                self.stdout.write(f"{table}: {self._counts(counts)}")
            self.stdout.write(
                self.style.SUCCESS(
                    _("Loaded %(path)s: %(counts)s in %(seconds).1f s.")
                    % {
                        "path": display_path(path),
                        "counts": self._counts(report),
                        "seconds": time.monotonic() - started,
                    }
                )
            )

    @staticmethod
    def _counts(counts) -> str:
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
        }
