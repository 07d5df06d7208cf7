from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops.demo import seed_demo
from organizations.models import Organization


class Command(BaseCommand):
    help = (
        "Create the demo accounts (editor, moderator, admin) and publish the demo article in "
        "Chinese and English. Only with DEBUG on, since it creates staff accounts. Safe to "
        "run again: existing accounts keep their passwords unless --reset-passwords is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give the demo accounts new passwords and print them.",
        )

    def handle(self, *args, reset_passwords: bool = False, **options):
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo creates staff accounts and is for development only: "
                "run it with DJANGO_DEBUG=true."
            )
        if not Organization.objects.exists():
            raise CommandError("The registry is empty: run `manage.py load_registry` first.")

        result = seed_demo(reset_passwords=reset_passwords)

        if result.passwords:
            self.stdout.write(self.style.SUCCESS("Demo accounts (passwords are shown only now):"))
            for username, password in result.passwords.items():
                self.stdout.write(f"  {username:<10} {password}")
        if result.existing_accounts:
            self.stdout.write(
                "Demo accounts already exist and keep their passwords: "
                + ", ".join(result.existing_accounts)
                + " (--reset-passwords prints new ones)."
            )
        state = "published" if result.article_created else "already present"
        self.stdout.write(f"Demo article {result.article.slug!r}: {state}.")
