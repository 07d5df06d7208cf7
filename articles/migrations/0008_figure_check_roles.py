"""Editors add and change figure checks, as they do claims; moderators review them.

Figure checks are part of what a moderator approves with the claims, so the
people who write claims must be able to write them.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

FIGURE_CHECKS = ["add_figurecheck", "change_figurecheck", "delete_figurecheck", "view_figurecheck"]
ROLES = {"Editors": FIGURE_CHECKS, "Moderators": FIGURE_CHECKS}


def grant(apps, schema_editor):
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
            raise RuntimeError(f"Missing figure check permissions for the {group_name} role.")
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias
    for group_name, codenames in ROLES.items():
        group = Group.objects.using(db).filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(
                *group.permissions.filter(content_type__app_label="articles", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_claim_sets"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
