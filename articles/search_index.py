"""The search index: one document per published translation, holding its live text.

Each published translation has one `SearchDocument` holding its live
revision's title, standfirst and body (as `plain_text`), written when a
moderator approves or unpublishes it (`search_index_update`), so text nobody
approved is never found. On PostgreSQL the document carries a weighted
full-text vector (title A, standfirst B, body C); everywhere it carries the
casefolded text for substring matching. `reader.search` queries it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchVector,
)
from django.db import connection, transaction
from django.db.models import (
    Value,
)

from articles.models import Revision, SearchDocument, Translation
from articles.text.anchors import plain_text

SEARCH_CONFIG = "simple"
# The parts of a document's text (title, standfirst, body) are joined by a
# newline. Queries never contain one once normalised, so no match spans parts.
PART_SEPARATOR = "\n"


def uses_postgresql() -> bool:
    """Whether search takes the PostgreSQL path (full-text and trigram) on this database."""
    return connection.vendor == "postgresql"


def normalise_query(query: str) -> str:
    """The query as texts are stored: NFC, every whitespace run one space, trimmed."""
    return _flatten(query)


def _flatten(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def fold(text: str) -> str:
    """`text` casefolded: how documents and queries compare without regard to case."""
    return text.casefold()


# The index


def search_document_values(
    *, title: str, standfirst: str, body: str, postgresql: bool
) -> dict[str, object]:
    """The stored fields of a search document for a revision's title, standfirst and body.

    `body` is Markdown; the document holds what readers see of it
    (`plain_text`). The vector is built only for PostgreSQL, as an expression
    the database evaluates when the row is written.
    """
    title, standfirst, body_text = _flatten(title), _flatten(standfirst), _flatten(plain_text(body))
    heading = PART_SEPARATOR.join(part for part in (title, standfirst) if part)
    text = PART_SEPARATOR.join(part for part in (heading, body_text) if part)
    body_start = len(heading) + len(PART_SEPARATOR) if heading and body_text else len(heading)
    folded_text = fold(text)
    vector = None
    if postgresql:
        vector = (
            SearchVector(Value(title), config=SEARCH_CONFIG, weight="A")
            + SearchVector(Value(standfirst), config=SEARCH_CONFIG, weight="B")
            + SearchVector(Value(body_text), config=SEARCH_CONFIG, weight="C")
        )
    return {"text": text, "folded_text": folded_text, "body_start": body_start, "vector": vector}


def _document(*, translation_id: int, revision: Revision) -> SearchDocument:
    return SearchDocument(
        translation_id=translation_id,
        revision=revision,
        **search_document_values(
            title=revision.title,
            standfirst=revision.standfirst,
            body=revision.body,
            postgresql=uses_postgresql(),
        ),
    )


def _save_documents(documents: Sequence[SearchDocument]) -> None:
    SearchDocument.objects.bulk_create(
        documents,
        update_conflicts=True,
        unique_fields=["translation"],
        update_fields=["revision", "text", "folded_text", "body_start", "vector"],
    )


def search_index_update(*, translation: Translation) -> SearchDocument | None:
    """Make search see what readers see of `translation`: its live revision, or nothing.

    `approve` and `unpublish` call it inside their transaction, so search
    changes exactly when the public page does. Returns the document written,
    or None when the translation has no live revision (its document, if any,
    is deleted).
    """
    revision = translation.live_revision
    if revision is None:
        SearchDocument.objects.filter(translation_id=translation.pk).delete()
        return None
    document = _document(translation_id=translation.pk, revision=revision)
    _save_documents([document])
    return document


@dataclass(frozen=True)
class RebuildResult:
    indexed: int
    removed: int


def search_index_rebuild(
    *, batch_size: int = 500, progress: Callable[[int, int], None] | None = None
) -> RebuildResult:
    """Recompute every search document: one per published translation, none for the others.

    Each batch locks its translations (on PostgreSQL) so that an approval
    running at the same time is either seen or waits and then writes its own
    document. `progress(done, total)` is called after each batch.
    """
    removed, _ = SearchDocument.objects.filter(translation__live_revision__isnull=True).delete()
    published = list(Translation.objects.published().order_by("pk").values_list("pk", flat=True))
    total = len(published)
    done = 0
    for first in range(0, total, batch_size):
        batch = published[first : first + batch_size]
        with transaction.atomic():
            translations = (
                Translation.objects.published()
                .filter(pk__in=batch)
                .select_related("live_revision")
                .select_for_update(of=("self",))
                .only("pk", "live_revision")
            )
            _save_documents(
                [
                    _document(translation_id=translation.pk, revision=translation.live_revision)
                    for translation in translations
                ]
            )
        done += len(batch)
        if progress is not None:
            progress(done, total)
    return RebuildResult(indexed=done, removed=removed)
