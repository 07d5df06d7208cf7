"""The content generation's two tables: the change rows and the database's epoch."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ContentChange(models.Model):
    """Writes to the tables readers' pages are built from; their weights add up to the
    content generation, per scope (the app whose tables were written).

    `freshness.generation` adds a row of weight 1 after each such statement, on
    the writer's own connection and in its transaction, so the row appears to
    other connections when the change it stands for does (in autocommit, just
    after it). When rows pile up they are folded into one row per scope
    carrying their summed weight, so no generation ever goes back.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("at"))
    weight = models.BigIntegerField(_("weight"), default=1)
    scope = models.CharField(
        _("scope"),
        max_length=50,
        default="",
        help_text=_("The app whose tables were written: organizations or articles."),
    )

    class Meta:
        verbose_name = _("content change")
        verbose_name_plural = _("content changes")

    def __str__(self) -> str:
        return f"{self.scope} {self.weight} at {self.at:%Y-%m-%d %H:%M:%S}"


class ContentEpoch(models.Model):
    """Drawn once, when the database is created: two databases never share cached pages.

    A restored copy or a staging site sharing one cache with production
    counts its own generations; the epoch in every derived key keeps their
    entries apart.
    """

    epoch = models.CharField(_("epoch"), max_length=32)

    class Meta:
        verbose_name = _("content epoch")
        verbose_name_plural = _("content epochs")

    def __str__(self) -> str:
        return self.epoch
