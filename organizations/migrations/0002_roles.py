"""The Editors and Moderators roles, with their registry permissions.

Groups are fetched with get_or_create and permissions only added or removed,
never replaced, because the articles app grants its own permissions to the
same groups from its migrations, in whichever order the two apps migrate.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

REGISTRY_MODELS = (
    "organization",
    "organizationname",
    "domain",
    "instrument",
    "membershipevent",
    "source",
)

EDITORS = [
    *(f"{action}_{model}" for model in REGISTRY_MODELS for action in ("add", "change", "view")),
    "delete_organizationname",
]
MODERATORS = [
    *EDITORS,
    *(f"delete_{model}" for model in REGISTRY_MODELS if model != "organizationname"),
    "verify_membershipevent",
]
ROLES = {"Editors": EDITORS, "Moderators": MODERATORS}


def create_roles(apps, schema_editor):
    # post_migrate, which normally creates permissions, has not run yet on a
    # fresh database, so the permissions this migration grants are made here.
    create_permissions(
        global_apps.get_app_config("organizations"),
        apps=apps,
        using=schema_editor.connection.alias,
        verbosity=0,
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    for group_name, codenames in ROLES.items():
        group, _ = Group.objects.using(db).get_or_create(name=group_name)
        permissions = Permission.objects.using(db).filter(
            content_type__app_label="organizations", codename__in=codenames
        )
        if len(permissions) != len(codenames):
            raise RuntimeError(f"Missing registry permissions for the {group_name} role.")
        group.permissions.add(*permissions)


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    db = schema_editor.connection.alias
    for group_name, codenames in ROLES.items():
        group = Group.objects.using(db).filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.remove(
            *group.permissions.filter(
                content_type__app_label="organizations", codename__in=codenames
            )
        )
        # The articles app may still grant this role its own permissions.
        if not group.permissions.exists():
            group.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="membershipevent",
            options={
                "ordering": ["organization", "announced_on", "effective_on"],
                "permissions": [("verify_membershipevent", "Can verify membership events")],
                "verbose_name": "membership event",
                "verbose_name_plural": "membership events",
            },
        ),
        migrations.RunPython(create_roles, remove_roles),
    ]
