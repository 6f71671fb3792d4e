"""Log-in, log-out, the lock after repeated failures, password change and the profile page with
its API tokens."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from salesdesk.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


@pytest.fixture
def client_of(small_org):
    def make(key):
        client = Client()
        client.force_login(small_org.user(key))
        return client
    return make


def log_in(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


# --- log-in and log-out -----------------------------------------------------------------------


def test_the_log_in_page_is_a_centred_form_that_fits_a_phone(db):
    response = Client().get(LOGIN)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="viewport" content="width=device-width' in page
    assert "justify-content-center" in page
    assert 'name="username"' in page and 'name="password"' in page
    assert 'autocomplete="current-password"' in page


def test_a_person_logs_in_and_lands_on_the_workbench(small_org):
    client = Client()
    response = log_in(client, "owner", "pass-owner")
    assert response.status_code == 302
    assert response["Location"] == reverse("workbench:home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_log_in_honours_a_safe_next_address(small_org):
    response = Client().post(LOGIN + "?next=/org/", {"username": "owner", "password": "pass-owner", "next": "/org/"})
    assert response["Location"] == "/org/"


def test_a_wrong_password_shows_an_error_and_keeps_the_username(small_org):
    response = log_in(Client(), "owner", "wrong-password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-login-error" in page
    assert 'value="owner"' in page
    assert "_auth_user_id" not in response.wsgi_request.session


def test_log_out_is_a_post(small_org, client_of):
    client = client_of("owner")
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_the_log_out_button_is_a_form_on_every_page(small_org, client_of):
    page = client_of("owner").get(reverse("accounts:profile")).content.decode()
    assert f'<form method="post" action="{reverse("accounts:logout")}">' in page


# --- lockout ----------------------------------------------------------------------------------


def test_too_many_failures_lock_the_account_with_a_clear_page(small_org):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "owner", "wrong-password").status_code == 200
    locked = log_in(client, "owner", "wrong-password")
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [template.name for template in locked.templates]
    page = locked.content.decode()
    assert "data-locked-out" in page
    assert 'data-cooloff-minutes="15"' in page
    # Even the right password is refused while the lock lasts.
    assert log_in(client, "owner", "pass-owner").status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account(small_org):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "owner", "wrong-password")
    assert log_in(client, "teammate", "pass-teammate").status_code == 302


def test_a_successful_log_in_resets_the_failure_count(small_org):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "owner", "wrong-password")
    assert log_in(client, "owner", "pass-owner").status_code == 302
    client.post(reverse("accounts:logout"))
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "owner", "wrong-password").status_code == 200


# --- password ---------------------------------------------------------------------------------


def test_a_person_changes_their_password_and_stays_logged_in(small_org, client_of):
    client = client_of("owner")
    assert client.get(reverse("accounts:password_change")).status_code == 200
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "pass-owner", "new_password1": "Lantern-River-42", "new_password2": "Lantern-River-42"})
    assert response["Location"] == reverse("accounts:profile")
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert log_in(Client(), "owner", "Lantern-River-42").status_code == 302
    assert log_in(Client(), "owner", "pass-owner").status_code == 200


def test_a_wrong_old_password_is_reported_next_to_the_field(small_org, client_of):
    response = client_of("owner").post(reverse("accounts:password_change"), {
        "old_password": "nope", "new_password1": "Lantern-River-42", "new_password2": "Lantern-River-42"})
    assert response.status_code == 200
    assert 'data-error-for="old_password"' in response.content.decode()
    assert get_user_model().objects.get(username="owner").check_password("pass-owner")


def test_mismatched_new_passwords_are_reported_next_to_the_second_field(small_org, client_of):
    response = client_of("owner").post(reverse("accounts:password_change"), {
        "old_password": "pass-owner", "new_password1": "Lantern-River-42", "new_password2": "Lantern-River-43"})
    assert 'data-error-for="new_password2"' in response.content.decode()


# --- profile and tokens ---------------------------------------------------------------------


def test_the_profile_shows_name_and_positions(small_org, client_of):
    page = client_of("owner").get(reverse("accounts:profile")).content.decode()
    assert "李代表" in page
    assert f'data-position="{small_org.positions["sh-rep"].pk}"' in page
    assert "上海办事处 · 销售代表" in page


def test_the_profile_needs_a_log_in(db):
    response = Client().get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_a_person_sets_their_language_on_the_profile(small_org, client_of):
    client = client_of("owner")
    response = client.post(reverse("accounts:set_language"),
                           {"language": "en", "next": reverse("accounts:profile")})
    assert response["Location"] == reverse("accounts:profile")
    small_org.people["owner"].refresh_from_db()
    assert small_org.people["owner"].language == "en"
    assert client.get(reverse("accounts:profile"))["Content-Language"] == "en"


def test_a_new_token_is_shown_once_and_works_against_the_api(small_org, client_of):
    client = client_of("owner")
    response = client.post(reverse("accounts:token_create"), {"name": "report script"})
    assert response["Location"] == reverse("accounts:profile")
    page = client.get(reverse("accounts:profile")).content.decode()
    raw = re.search(r'id="new-token" value="([^"]+)"', page).group(1)
    assert 'id="copy-token"' in page
    token = ApiToken.objects.get(user=small_org.user("owner"))
    assert token.name == "report script" and raw.startswith(token.hint)
    assert raw not in client.get(reverse("accounts:profile")).content.decode()
    api = Client().get("/api/v1/employees/", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200
    assert [row["name"] for row in api.json()["results"]] == ["李代表"]


def test_the_token_list_shows_hint_dates_and_state(small_org, client_of):
    active, _raw = ApiToken.issue(user=small_org.user("owner"), name="active one")
    revoked, _raw = ApiToken.issue(user=small_org.user("owner"), name="old one")
    client = client_of("owner")
    client.post(reverse("accounts:token_revoke", args=[revoked.pk]))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f'data-token="{active.pk}" data-active="true"' in page
    assert f'data-token="{revoked.pk}" data-active="false"' in page
    assert f"{active.hint}…" in page
    assert reverse("accounts:token_revoke", args=[active.pk]) in page
    assert reverse("accounts:token_revoke", args=[revoked.pk]) not in page


def test_a_token_without_a_name_is_refused_with_the_error_next_to_the_field(small_org, client_of):
    response = client_of("owner").post(reverse("accounts:token_create"), {"name": "  "})
    assert response.status_code == 400
    assert 'data-error-for="name"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_on_the_page_stops_it_at_the_api(small_org, client_of):
    token, raw = ApiToken.issue(user=small_org.user("owner"), name="laptop")
    client = client_of("owner")
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 405
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response["Location"] == reverse("accounts:profile")
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = Client().get("/api/v1/employees/", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 401


def test_nobody_can_revoke_someone_elses_token(small_org, client_of):
    token, _raw = ApiToken.issue(user=small_org.user("owner"), name="laptop")
    assert client_of("outsider").post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_nobody_sees_someone_elses_tokens(small_org, client_of):
    token, _raw = ApiToken.issue(user=small_org.user("owner"), name="secret laptop")
    page = client_of("outsider").get(reverse("accounts:profile")).content.decode()
    assert "secret laptop" not in page and token.hint not in page
