"""`manage.py export_site PATH`: the whole site in one file that import_site restores."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ops.backup import BackupError, site_export


class Command(BaseCommand):
    help = (
        "Write every record of the site (registry and its history, articles, revisions, "
        "claims, anchors, evidence, review logs, users and groups with their permissions) "
        "to PATH, a .jsonl file, compressed when PATH ends in .gz, .bz2 or .xz. Sessions, "
        "login attempts, content types and permissions are left out: migrate recreates "
        "the last two and the others are worth nothing once restored. On PostgreSQL the "
        "file is one consistent moment of the site. Restore with import_site."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The file to write, e.g. site.jsonl.gz.")
        parser.add_argument("--force", action="store_true", help="Overwrite PATH if it exists.")

    def handle(self, *args, path: Path, force: bool, verbosity: int, **options):
        if path.exists() and not force:
            raise CommandError(
                _("%(path)s exists; choose another name or pass --force.") % {"path": path}
            )
        try:
            report = site_export(path=path)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from None
        report.write(
            self,
            path=path,
            verbosity=verbosity,
            summary=_("Exported %(count)d records of %(models)d models to %(path)s."),
        )
