from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReaderConfig(AppConfig):
    """The public site: its pages, feeds, sitemaps and template tags; no models."""

    name = "reader"
    verbose_name = _("Reader's site")
