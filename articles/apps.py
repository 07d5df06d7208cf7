from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")
    # Readers' pages are built from these tables: writing them moves the content generation.
    reader_content = True

    def ready(self) -> None:
        from articles.evidence import watch

        watch.watch_the_registry()
