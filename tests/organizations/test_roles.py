"""The Editors and Moderators roles that the registry's data migration creates."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REGISTRY_MODELS = (
    "organization",
    "organizationname",
    "domain",
    "instrument",
    "membershipevent",
    "source",
)

EDITORS = {
    *(
        f"organizations.{action}_{model}"
        for model in REGISTRY_MODELS
        for action in ("add", "change", "view")
    ),
    "organizations.delete_organizationname",
}
MODERATORS = {
    *(
        f"organizations.{action}_{model}"
        for model in REGISTRY_MODELS
        for action in ("add", "change", "view", "delete")
    ),
    "organizations.verify_membershipevent",
}


def registry_permissions(group_name: str) -> set[str]:
    # The articles app grants the same roles its own permissions; every
    # other app's permissions the role holds are counted here.
    permissions = (
        Group.objects.get(name=group_name)
        .permissions.exclude(content_type__app_label="articles")
        .values_list("content_type__app_label", "codename")
    )
    return {f"{app_label}.{codename}" for app_label, codename in permissions}


def test_editors_hold_exactly_the_registry_editing_permissions():
    assert registry_permissions("Editors") == EDITORS


def test_moderators_hold_exactly_the_registry_permissions_including_delete_and_verify():
    assert registry_permissions("Moderators") == MODERATORS


def test_verify_permission_is_declared_with_its_name():
    permission = Permission.objects.get(
        content_type__app_label="organizations", codename="verify_membershipevent"
    )

    assert permission.name == "Can verify membership events"


def test_editor_may_delete_names_but_no_other_registry_record():
    user = UserFactory(username="an-editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))

    deletable = {
        model for model in REGISTRY_MODELS if user.has_perm(f"organizations.delete_{model}")
    }

    assert deletable == {"organizationname"}
    assert not user.has_perm("organizations.verify_membershipevent")


def test_moderator_may_verify_membership_events():
    user = UserFactory(username="a-moderator", is_staff=True)
    user.groups.add(Group.objects.get(name="Moderators"))

    assert user.has_perm("organizations.verify_membershipevent")
    assert user.has_perm("organizations.delete_organization")
