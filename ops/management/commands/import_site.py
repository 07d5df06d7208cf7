"""`manage.py import_site PATH`: restore an export_site file into an empty database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ops.backup import BackupError, site_import


class Command(BaseCommand):
    help = (
        "Restore a file written by export_site into this database, which must be empty "
        "and migrated: create the database, run `manage.py migrate`, then import. Any "
        "table already holding rows (other than the role groups migrate creates, which "
        "the backup's groups update by name) makes the command refuse, naming the tables, "
        "before anything is written. Everything is restored in one transaction, so a "
        "file that does not fit leaves the database as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A file written by export_site.")

    def handle(self, *args, path: Path, verbosity: int, **options):
        try:
            report = site_import(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        report.write(
            self,
            path=path,
            verbosity=verbosity,
            summary=_("Restored %(count)d records of %(models)d models from %(path)s."),
        )
