"""Every error page — 400, 403 (and a failed CSRF check), 404 and 500 — speaks the reader's language:
Simplified Chinese by default, English or Traditional Chinese when the language cookie says so. The
500 page reads nothing from the database and never fails itself."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from salesdesk.core import errors

pytestmark = [pytest.mark.django_db, pytest.mark.urls("salesdesk.core.tests.error_urls")]

# (language cookie, words each page must show)
LANGUAGES = {
    None: {400: "请求有误", 403: "没有权限", 404: "页面不存在", 500: "服务器出错", "csrf": "表单已过期"},
    "en": {400: "Bad request", 403: "Permission denied", 404: "Page not found", 500: "Server error",
           "csrf": "The form has expired"},
    "zh-hant": {400: "請求有誤", 403: "沒有權限", 404: "頁面不存在", 500: "伺服器出錯", "csrf": "表單已過期"},
}
LANG_ATTRIBUTE = {None: "zh-hans", "en": "en", "zh-hant": "zh-hant"}


def client_in(language, **options) -> Client:
    client = Client(**options)
    client.raise_request_exception = False  # answer a failing view with the 500 page, as in production
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def assert_page(response, status, words, language):
    page = response.content.decode()
    assert response.status_code == status
    assert "<h1" in page and words in page
    assert f'<html lang="{LANG_ATTRIBUTE[language]}">' in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_bad_request_is_explained_in_the_readers_language(language):
    assert_page(client_in(language).get("/suspicious/"), 400, LANGUAGES[language][400], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_is_explained_in_the_readers_language(language):
    assert_page(client_in(language).get("/forbidden/"), 403, LANGUAGES[language][403], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_missing_page_is_explained_in_the_readers_language(language):
    assert_page(client_in(language).get("/no-such-page/"), 404, LANGUAGES[language][404], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failing_view_answers_with_the_500_page_in_the_readers_language(language):
    assert_page(client_in(language).get("/broken/"), 500, LANGUAGES[language][500], language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failed_csrf_check_is_explained_in_the_readers_language(language):
    client = client_in(language, enforce_csrf_checks=True)

    response = client.post(reverse("accounts:login"), {"username": "someone", "password": "secret"})

    assert_page(response, 403, LANGUAGES[language]["csrf"], language)


def test_a_signed_in_persons_own_language_beats_the_cookie(small_org):
    person = small_org.people["owner"]
    person.language = "en"
    person.save()
    client = client_in("zh-hant")
    client.force_login(person.user)

    assert_page(client.get("/no-such-page/"), 404, "Page not found", "en")
    assert_page(client.get("/broken/"), 500, "Server error", "en")


def test_the_500_page_reads_nothing_from_the_database(django_assert_num_queries):
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="en")

    with django_assert_num_queries(0):
        response = errors.server_error(request)

    assert response.status_code == 500 and "Server error" in response.content.decode()


def test_the_500_page_falls_back_to_plain_words_when_its_template_fails(monkeypatch):
    def broken_template(*args, **kwargs):
        raise RuntimeError("the template is broken too")

    monkeypatch.setattr(errors, "render_to_string", broken_template)
    request = RequestFactory().get("/")
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"

    response = errors.server_error(request)

    assert response.status_code == 500
    assert "<h1>伺服器出錯</h1>" in response.content.decode()
