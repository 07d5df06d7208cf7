"""What reader search knows of each published translation."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from articles.models.editorial import Revision, Translation


class SearchDocument(models.Model):
    """What reader search knows of a published translation: its live text, indexed.

    Written only by `articles.search.search_index_update` (when a translation
    is approved or unpublished) and `search_index_rebuild`; a translation that
    readers cannot see has no document. It is kept apart from `Translation`
    so that the many pages that load translations do not also load a second
    copy of every text. On PostgreSQL, migrations add a GIN index on `vector`
    and a trigram GIN index on `folded_text`.
    """

    translation = models.OneToOneField(
        Translation,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_document",
        verbose_name=_("translation"),
    )
    revision = models.ForeignKey(
        Revision,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("revision"),
        help_text=_("The live revision whose text this is."),
    )
    text = models.TextField(_("text"), help_text=_("Title, standfirst and the body as plain text."))
    # Queries are casefolded in Python too, so substring matching ignores case
    # with a plain LIKE instead of running UPPER() over every text.
    folded_text = models.TextField(
        _("casefolded text"), help_text=_("The text casefolded, for matching.")
    )
    body_start = models.PositiveIntegerField(
        _("body start"), default=0, help_text=_("Where the body begins in the text.")
    )
    # Full-text vector (title A, standfirst B, body C); PostgreSQL only.
    vector = SearchVectorField(_("search vector"), null=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return str(self.translation)
