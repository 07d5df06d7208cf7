from django.core.management.base import BaseCommand, CommandError

from articles.search_index import search_index_rebuild


class Command(BaseCommand):
    """`manage.py rebuild_search_index`: recompute every search document, with progress."""

    help = (
        "Recompute reader search's copy of every published translation's live text, and drop "
        "it for translations that are not published. Approving and unpublishing keep it "
        "current; run this after loading translations by other means (a bulk import, a "
        "restored backup). Safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Translations written per transaction (default 500).",
        )

    def handle(self, *args, batch_size: int = 500, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        verbosity = options["verbosity"]

        def progress(done: int, total: int) -> None:
            if verbosity >= 1:
                self.stdout.write(f"  {done}/{total} published translations indexed")

        result = search_index_rebuild(batch_size=batch_size, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Search index rebuilt: {result.indexed} published translations indexed, "
                f"{result.removed} documents of unpublished translations removed."
            )
        )
