"""The review log: an append-only record of every workflow transition."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models.claims import ClaimSet
from articles.models.editorial import Revision, Translation
from articles.models.fields import optional_link
from articles.models.immutable import ImmutableRecordError


class ReviewLogQuerySet(models.QuerySet):
    def update(self, **kwargs):

        raise ImmutableRecordError("The review log is append-only; its rows cannot be updated.")

    def delete(self):

        raise ImmutableRecordError("The review log is append-only; its rows cannot be deleted.")

    def changes_requested_of(self, translation) -> ReviewLog | None:
        """The moderators' request for changes the translation's editors have not answered yet.

        The latest request for changes, unless the translation was submitted
        again since.
        """
        latest = (
            self.filter(
                translation=translation,
                action__in=[ReviewLog.Action.REQUEST_CHANGES, ReviewLog.Action.SUBMIT],
            )
            .select_related("actor", "revision")
            .defer("revision__body")
            .order_by("-created_at", "-pk")
            .first()
        )
        return latest if latest and latest.action == ReviewLog.Action.REQUEST_CHANGES else None

    def with_actors(self):
        """Log rows with who acted and on which revision."""
        return self.select_related("actor", "revision")


class ReviewLog(models.Model):
    """An append-only record of one workflow transition."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted for review")
        WITHDRAW = "withdraw", _("Withdrawn from review")
        REQUEST_CHANGES = "request_changes", _("Changes requested")
        APPROVE = "approve", _("Approved")
        UNPUBLISH = "unpublish", _("Unpublished")
        EDIT = "edit", _("Edited")
        CLAIMS_EDITED = "claims_edited", _("Claims edited")
        EVIDENCE_REVIEWED = "evidence_reviewed", _("Evidence change acknowledged")

    translation = models.ForeignKey(
        Translation,
        on_delete=models.PROTECT,
        related_name="review_log",
        verbose_name=_("translation"),
    )
    revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, related_name="+", verbose_name=_("revision")
    )
    claim_set = optional_link(
        ClaimSet,
        _("claims"),
        help_text=_("The claims version an approval published, or an unpublishing took down."),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    from_status = models.CharField(_("from"), max_length=20, choices=Translation.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Translation.Status.choices)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)

    objects = ReviewLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("review log entry")
        verbose_name_plural = _("review log")
        indexes = [
            models.Index(fields=["translation", "-created_at"]),
            models.Index(fields=["created_at"]),
            models.Index(fields=["action"]),
        ]

    def __str__(self) -> str:
        return f"{self.translation}: {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        # An audit trail that can be rewritten is not an audit trail.
        if not self._state.adding:
            raise ImmutableRecordError("The review log is append-only; rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError("The review log is append-only; rows cannot be deleted.")
