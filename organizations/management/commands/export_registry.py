"""`manage.py export_registry`: write the whole registry in the format load_registry reads."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from organizations.registry_io import ExportError, registry_json, registry_records, write_csv


class Command(BaseCommand):
    help = (
        "Export the whole registry in the exchange format that load_registry reads. "
        "--format json (the default) writes one JSON document to --output FILE or to standard "
        "output; --format csv writes one file per table into --output DIRECTORY (required). "
        "The output is deterministic: rows are sorted by natural key and columns are in the "
        "documented order, so two exports of the same registry are byte-identical."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--format",
            choices=["json", "csv"],
            default="json",
            help="json (default): one document; csv: a folder of CSV files.",
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="The JSON file to write (default: standard output), or the CSV folder.",
        )

    def handle(self, *args, format: str, output: Path | None, verbosity: int, **options):
        if format == "csv":
            if output is None:
                raise CommandError(
                    _("--format csv writes a folder of files: name it with --output DIRECTORY.")
                )
            if output.exists() and not output.is_dir():
                raise CommandError(
                    _("%(path)s is a file; --format csv needs a directory.") % {"path": output}
                )
        elif output is not None and output.is_dir():
            raise CommandError(
                _("%(path)s is a directory; --format json needs a file name.") % {"path": output}
            )

        records = registry_records()
        if format == "csv":
            try:
                write_csv(records, output)
            except ExportError as error:
                raise CommandError(str(error)) from None
        elif output is None:
            self.stdout.write(registry_json(records), ending="")
            return
        else:
            try:
                output.write_text(registry_json(records), encoding="utf-8")
            except OSError as error:
                raise CommandError(str(error)) from None
        if verbosity >= 1:
            self.stdout.write(
                _("Exported %(organizations)d organizations and %(events)d events to %(path)s.")
                % {
                    "organizations": len(records["organizations"]),
                    "events": len(records["events"]),
                    "path": output,
                }
            )
