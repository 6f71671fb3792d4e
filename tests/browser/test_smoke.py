"""The smallest end-to-end path: a sales rep logs in through the form and lands on the workbench."""

from django.urls import reverse

from .conftest import login


def test_a_rep_logs_in_and_sees_the_workbench(page, live_server, small_org):
    login(page, live_server, "owner", "pass-owner")

    assert page.url == f"{live_server.url}{reverse('workbench:home')}"
    assert page.locator("form input[name=password]").count() == 0
    assert "李代表" in page.content()


def test_the_vendor_assets_are_served_to_the_browser(page, live_server, small_org):
    login(page, live_server, "owner", "pass-owner")

    styles = page.locator("link[rel=stylesheet][href*='vendor/bootstrap.min.css']")
    href = styles.first.get_attribute("href")
    assert page.request.get(f"{live_server.url}{href}").status == 200
    # Bootstrap's CSS is applied: its body font stack replaces the browser default.
    assert "system-ui" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.evaluate("typeof window.htmx") == "object"


def test_a_wrong_password_keeps_the_person_on_the_login_page(page, live_server, small_org):
    login(page, live_server, "owner", "wrong-password")

    assert "/accounts/login/" in page.url
    assert page.locator("input[name=username]").input_value() == "owner"
