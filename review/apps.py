from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    """The moderators' review desk and the editors' desk, in the admin."""

    name = "review"
    verbose_name = _("Review desk")
