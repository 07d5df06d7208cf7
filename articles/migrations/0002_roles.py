"""Grant the Editors and Moderators roles their article permissions.

Groups are fetched with get_or_create and permissions only added or removed,
never replaced, because the organizations app grants its registry
permissions to the same groups, in whichever order the two apps migrate.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITTEN_MODELS = (
    "author",
    "article",
    "translation",
    "revision",
    "claim",
    "claimanchor",
    "evidence",
)

EDITORS = [
    *(f"{action}_{model}" for model in WRITTEN_MODELS for action in ("add", "change", "view")),
    *(f"delete_{model}" for model in ("claim", "claimanchor", "evidence")),
    "submit_translation",
    "view_reviewlog",
]
MODERATORS = [
    *EDITORS,
    "review_translation",
    "delete_article",
    "delete_translation",
]
ROLES = {"Editors": EDITORS, "Moderators": MODERATORS}


def grant_article_permissions(apps, schema_editor):
    # post_migrate, which normally creates permissions, has not run yet on a
    # fresh database, so the permissions granted here are made here.
    db = schema_editor.connection.alias
    create_permissions(global_apps.get_app_config("articles"), apps=apps, using=db, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in ROLES.items():
        group, _ = Group.objects.using(db).get_or_create(name=group_name)
        permissions = Permission.objects.using(db).filter(
            content_type__app_label="articles", codename__in=codenames
        )
        if len(permissions) != len(codenames):
            raise RuntimeError(f"Missing article permissions for the {group_name} role.")
        group.permissions.add(*permissions)


def revoke_article_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias
    for group_name, codenames in ROLES.items():
        group = Group.objects.using(db).filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="articles", codename__in=codenames)
        )
        # The organizations app may still grant this role its own permissions.
        if not group.permissions.exists():
            group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("articles", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(grant_article_permissions, revoke_article_permissions),
    ]
