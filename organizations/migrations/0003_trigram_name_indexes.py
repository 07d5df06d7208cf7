"""On PostgreSQL: pg_trgm, and trigram GIN indexes on organization names and aliases.

Reader search matches names by substring (`icontains`, which compares
`UPPER(name)`) and by trigram word similarity for misspellings; both use an
index on `UPPER(name)` with `gin_trgm_ops` (trigrams ignore case, so the
same index serves similarity). Acronyms are compared with `iexact`, hence the
indexes on `UPPER(acronym)`. Other databases get none of this: the indexes are
not in the models' state, so no SQLite table rebuild ever tries to create a
GIN index.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models import Index
from django.db.models.functions import Upper

NAME_INDEXES = [
    (
        "Organization",
        GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="organization_name_trgm"),
    ),
    ("Organization", Index(Upper("acronym"), name="organization_acronym_upper")),
    (
        "OrganizationName",
        GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="organizationname_name_trgm"),
    ),
    ("OrganizationName", Index(Upper("acronym"), name="organizationname_acronym_upper")),
]


def add_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in NAME_INDEXES:
        schema_editor.add_index(apps.get_model("organizations", model_name), index)


def remove_name_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index in NAME_INDEXES:
        schema_editor.remove_index(apps.get_model("organizations", model_name), index)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_roles"),
    ]

    operations = [
        # Does nothing outside PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(add_name_indexes, remove_name_indexes, elidable=False),
    ]
