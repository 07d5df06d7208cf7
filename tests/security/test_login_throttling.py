"""Password guessing at the admin login is throttled per username and address (django-axes),
and staff passwords must be long and uncommon."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
LOCKED = 429


@pytest.fixture
def staff(db):
    return factories.UserFactory(username="desk", is_staff=True)


def attempt(client, username: str, password: str, **extra):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def fail(client, username: str, times: int, **extra) -> list[int]:
    return [attempt(client, username, "wrong password", **extra).status_code for _ in range(times)]


def is_logged_in(response) -> bool:
    return response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_the_right_password_logs_in(client, staff):
    assert is_logged_in(attempt(client, "desk", PASSWORD))


def test_five_failures_lock_the_account_out_even_for_the_right_password(client, staff):
    assert fail(client, "desk", 4) == [200, 200, 200, 200]
    assert fail(client, "desk", 1) == [LOCKED]
    response = attempt(client, "desk", PASSWORD)
    assert response.status_code == LOCKED
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert "Too many failed logins" in page
    assert "Try again in 15 minutes" in page


def test_the_lockout_page_says_how_many_attempts_locked_it(client, staff):
    fail(client, "desk", 5)
    page = attempt(client, "desk", PASSWORD).content.decode()
    assert "After 5 failed attempts" in page


def test_another_username_from_the_same_address_can_still_log_in(client, staff):
    factories.UserFactory(username="colleague", is_staff=True)
    fail(client, "desk", 5)
    assert is_logged_in(attempt(client, "colleague", PASSWORD))


def test_the_same_username_from_another_address_can_still_log_in(client, staff):
    fail(client, "desk", 5, REMOTE_ADDR="203.0.113.66")
    assert attempt(client, "desk", PASSWORD, REMOTE_ADDR="203.0.113.66").status_code == LOCKED
    assert is_logged_in(attempt(client, "desk", PASSWORD, REMOTE_ADDR="198.51.100.7"))


def test_login_works_again_after_the_fifteen_minute_cool_off(client, staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "desk", 5)
    with time_machine.travel(start + datetime.timedelta(minutes=14), tick=False):
        assert attempt(client, "desk", PASSWORD).status_code == LOCKED
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert is_logged_in(attempt(client, "desk", PASSWORD))


def test_attempts_during_the_lockout_do_not_extend_it(client, staff):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail(client, "desk", 5)
    with time_machine.travel(start + datetime.timedelta(minutes=10), tick=False):
        assert fail(client, "desk", 3) == [LOCKED] * 3
    with time_machine.travel(start + datetime.timedelta(minutes=15, seconds=1), tick=False):
        assert is_logged_in(attempt(client, "desk", PASSWORD))


def test_a_successful_login_clears_the_failures(client, staff):
    fail(client, "desk", 4)
    assert is_logged_in(attempt(client, "desk", PASSWORD))
    client.logout()
    assert fail(client, "desk", 4) == [200] * 4
    assert is_logged_in(attempt(client, "desk", PASSWORD))


def test_guessing_an_unknown_username_is_throttled_too(client, db):
    assert fail(client, "nobody", 5)[-1] == LOCKED
    assert fail(client, "nobody", 1) == [LOCKED]


def test_behind_a_proxy_the_address_it_appends_is_the_one_throttled(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    # The client writes whatever it likes on the left; the proxy appends the real address.
    for spoofed in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        attempt(
            client,
            "desk",
            "wrong password",
            HTTP_X_FORWARDED_FOR=f"{spoofed}, 203.0.113.9",
            **proxy,
        )
    locked = attempt(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.9", **proxy)
    assert locked.status_code == LOCKED
    # Another reader behind the same proxy is not locked out with them.
    other = attempt(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy)
    assert is_logged_in(other)


def test_without_a_proxy_a_forwarded_for_header_cannot_dodge_the_lockout(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for spoofed in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        attempt(client, "desk", "wrong password", HTTP_X_FORWARDED_FOR=spoofed)
    response = attempt(client, "desk", PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert response.status_code == LOCKED


def test_axes_checks_every_login_first_and_renders_the_lockout_last():
    assert "axes" in settings.INSTALLED_APPS
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert settings.AXES_ENABLED
    assert settings.AXES_FAILURE_LIMIT == 5
    assert datetime.timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


# Password rules --------------------------------------------------------------


def test_adding_a_user_in_the_admin_refuses_a_short_password(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "Tr0ub4dor&3",
            "password2": "Tr0ub4dor&3",
        },
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_adding_a_user_in_the_admin_refuses_a_common_password(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "password1234",
            "password2": "password1234",
        },
    )
    assert "This password is too common" in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_adding_a_user_in_the_admin_accepts_a_long_uncommon_password(client, superuser):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": "violet kettle under lantern",
            "password2": "violet kettle under lantern",
        },
    )
    assert response.status_code == 302
    assert (
        get_user_model()
        .objects.get(username="newcomer")
        .check_password("violet kettle under lantern")
    )


def test_changing_a_password_in_the_admin_refuses_a_short_one(client, superuser, staff):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": "short-pass", "password2": "short-pass"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_changing_ones_own_password_refuses_a_short_one(client, staff):
    client.force_login(staff)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": "tiny-pw-1", "new_password2": "tiny-pw-1"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)
