"""Search documents: the live text of each published translation, for reader search.

On PostgreSQL the documents get a GIN index on the full-text vector and a
trigram GIN index on the casefolded text that substring queries compare (the
`pg_trgm` extension comes with organizations 0003). The indexes are not in
the model state, so that no SQLite table rebuild ever tries to create them.

Existing published translations are indexed here, through the same code that
`manage.py rebuild_search_index` runs.
"""

import django.contrib.postgres.search
import django.db.models.deletion
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models

SEARCH_INDEXES = [
    GinIndex(fields=["vector"], name="searchdocument_vector"),
    GinIndex(OpClass("folded_text", name="gin_trgm_ops"), name="searchdocument_folded_trgm"),
]


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    SearchDocument = apps.get_model("articles", "SearchDocument")
    for index in SEARCH_INDEXES:
        schema_editor.add_index(SearchDocument, index)


def remove_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    SearchDocument = apps.get_model("articles", "SearchDocument")
    for index in SEARCH_INDEXES:
        schema_editor.remove_index(SearchDocument, index)


def index_published_translations(apps, schema_editor):
    from articles.search_index import search_document_values

    Translation = apps.get_model("articles", "Translation")
    SearchDocument = apps.get_model("articles", "SearchDocument")
    postgresql = schema_editor.connection.vendor == "postgresql"
    published = (
        Translation.objects.using(schema_editor.connection.alias)
        .filter(live_revision__isnull=False)
        .select_related("live_revision")
        .order_by("pk")
    )
    documents = []
    for translation in published.iterator(chunk_size=500):
        revision = translation.live_revision
        documents.append(
            SearchDocument(
                translation_id=translation.pk,
                revision_id=revision.pk,
                **search_document_values(
                    title=revision.title,
                    standfirst=revision.standfirst,
                    body=revision.body,
                    postgresql=postgresql,
                ),
            )
        )
        if len(documents) == 500:
            SearchDocument.objects.using(schema_editor.connection.alias).bulk_create(documents)
            documents = []
    SearchDocument.objects.using(schema_editor.connection.alias).bulk_create(documents)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_roles"),
        ("organizations", "0003_trigram_name_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                (
                    "translation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="articles.translation",
                        verbose_name="translation",
                    ),
                ),
                (
                    "text",
                    models.TextField(
                        help_text="Title, standfirst and the body as plain text.",
                        verbose_name="text",
                    ),
                ),
                (
                    "folded_text",
                    models.TextField(
                        help_text="The text casefolded, for matching.",
                        verbose_name="casefolded text",
                    ),
                ),
                (
                    "body_start",
                    models.PositiveIntegerField(
                        default=0,
                        help_text="Where the body begins in the text.",
                        verbose_name="body start",
                    ),
                ),
                (
                    "vector",
                    django.contrib.postgres.search.SearchVectorField(
                        null=True, verbose_name="search vector"
                    ),
                ),
                (
                    "revision",
                    models.ForeignKey(
                        help_text="The live revision whose text this is.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="articles.revision",
                        verbose_name="revision",
                    ),
                ),
            ],
            options={
                "verbose_name": "search document",
                "verbose_name_plural": "search documents",
            },
        ),
        migrations.RunPython(add_search_indexes, remove_search_indexes, elidable=False),
        migrations.RunPython(index_published_translations, migrations.RunPython.noop),
    ]
