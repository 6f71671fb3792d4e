"""The Content-Security-Policy holds on the pages with scripts of their own (charts, the position
form, the customer page, the pool, the profile): the browser reports no violation, and what those
scripts do still works — inline blocks run with the request's nonce, the rest from static files."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from salesdesk.customers import services as customer_services

from .conftest import login


def watch(page) -> list[str]:
    """Every CSP violation the browser reports while the page is used."""
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def directives(answer) -> dict[str, str]:
    """The policy's directives by name (their order in the header is not fixed)."""
    parts = (part.strip().split(" ", 1) for part in answer.headers["content-security-policy"].split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts if part[0]}


def test_the_pages_with_scripts_run_under_the_policy_without_a_violation(page, live_server, small_org):
    get_user_model().objects.create_superuser(username="root", password="root-pass-123", email="r@x.cn")
    owner = small_org.people["owner"]
    customer = customer_services.create_customer(company=small_org.company, by=owner, owner=owner, name="巴陵石化")
    violations = watch(page)
    login(page, live_server, "root", "root-pass-123")

    answer = page.goto(f"{live_server.url}{reverse('workbench:home')}")
    assert directives(answer)["script-src"] == "'self'"  # no inline script here at all
    answer = page.goto(f"{live_server.url}{reverse('org:manage_position_edit', args=[small_org.positions['sh-rep'].pk])}")
    assert directives(answer)["script-src"].startswith("'self' 'nonce-")
    for url in (reverse("org:chart"), reverse("org:headcount"), reverse("reports:sales"), reverse("reports:contracts"),
                reverse("customers:analytics"), reverse("customers:list"), reverse("customers:pool"),
                reverse("customers:detail", args=[customer.pk]), reverse("accounts:profile"),
                reverse("org:position", args=[small_org.positions["sh-rep"].pk])):
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")

    rep = small_org.positions["sh-rep"]
    page.goto(f"{live_server.url}{reverse('org:manage_position_edit', args=[rep.pk])}")
    read_only = page.locator("[data-scope-read-only=testing]")
    assert read_only.is_disabled()  # the inline script ran: "read only" means nothing at own records
    page.select_option("[data-scope-level=testing]", "all")
    assert read_only.is_enabled()

    page.goto(f"{live_server.url}{reverse('customers:list')}")
    page.locator("[data-check-all]").check()  # page.js, a static file
    assert page.locator("#customers input[name=ids]").first.is_checked()

    assert violations == []


def test_an_inline_handler_would_be_refused(page, live_server, small_org):
    """The policy is strict enough to matter: inline script without the nonce does not run."""
    violations = watch(page)
    login(page, live_server, "owner", "pass-owner")
    page.goto(f"{live_server.url}{reverse('accounts:profile')}")

    page.evaluate("""() => { const b = document.createElement('button'); b.id = 'sd-probe';
        b.setAttribute('onclick', 'window.sdProbe = 1'); document.body.appendChild(b); }""")
    page.click("#sd-probe")

    assert page.evaluate("window.sdProbe") is None
    assert any("Content Security Policy" in text for text in violations)
