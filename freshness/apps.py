from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FreshnessConfig(AppConfig):
    """The content generation: what every cache key and validator of the site derives from."""

    name = "freshness"
    verbose_name = _("Freshness")

    def ready(self) -> None:
        from freshness import generation

        generation.watch_content_writes()
