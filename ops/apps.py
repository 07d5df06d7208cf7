from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """What operators run: backup and restore, demo content, the health check."""

    name = "ops"
    verbose_name = _("Operations")
