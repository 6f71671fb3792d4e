"""A rep and a regional manager of the industrial template use the real pages in Chromium:
workbench, people, org chart; and anyone can switch the language."""

import pytest
from django.urls import reverse

from salesdesk.org import orgfile
from salesdesk.org.models import Assignment, Department, Employee

from .conftest import login

PASSWORD = orgfile.DEMO_PASSWORD


@pytest.fixture
def industrial(transactional_db):
    return orgfile.load_org(data=orgfile.load_template("industrial"), demo_people=True)


def people_under(department_code: str) -> set[str]:
    """Names of active holders of positions in the department or any department below it,
    found by walking parent links (not the stored paths the scope mechanism uses)."""
    def inside(department):
        while department is not None:
            if department.code == department_code:
                return True
            department = department.parent
        return False

    names = set()
    for assignment in Assignment.objects.filter(ended_on__isnull=True, employee__status="active").select_related(
            "employee", "position__department"):
        if inside(assignment.position.department):
            names.add(assignment.employee.name)
    return names


def person(username: str) -> Employee:
    return Employee.objects.get(user__username=username)


def visible_names(page) -> set[str]:
    return {text.strip() for text in page.locator("[data-person-name]").all_inner_texts()}


def test_a_rep_sees_their_duties_and_only_themselves_among_the_people(page, live_server, industrial):
    rep, other_rep = person("nanjing-rep-1"), person("jinan-rep-1")
    login(page, live_server, "nanjing-rep-1", PASSWORD)

    assert page.url == f"{live_server.url}{reverse('workbench:home')}"
    assert "业务人员" in page.locator("#sd-my-positions").inner_text()
    assert page.locator("#sd-my-duties li").count() >= 3

    page.goto(f"{live_server.url}{reverse('org:people')}")
    content = page.content()
    assert rep.name in content
    assert other_rep.name not in content

    response = page.goto(f"{live_server.url}{reverse('org:employee', args=[other_rep.pk])}")
    assert response.status == 404


def test_a_regional_manager_sees_the_team_card_and_the_people_of_the_region(page, live_server, industrial):
    login(page, live_server, "east-rm-1", PASSWORD)
    manager = person("east-rm-1")
    region = people_under("east-region")
    elsewhere = people_under("north-region")

    card = page.locator('[data-queue="team"] [data-count]')
    assert int(card.inner_text()) == len(region - {manager.name})

    page.goto(f"{live_server.url}{reverse('org:people')}")
    content = page.content()
    assert region and all(name in content for name in region)
    assert elsewhere and not any(name in content for name in elsewhere)


def test_the_org_chart_draws_the_departments_with_their_headcount(page, live_server, industrial):
    login(page, live_server, "east-rm-1", PASSWORD)

    page.goto(f"{live_server.url}{reverse('org:chart')}")
    page.wait_for_selector("canvas, svg")

    chart = page.locator("canvas, svg").first
    box = chart.bounding_box()
    assert box["width"] > 300 and box["height"] > 200
    data = page.request.get(f"{live_server.url}{reverse('org:chart_data')}").json()
    names = set()

    def walk(node):
        names.add(node.get("name"))
        for child in node.get("children", []):
            walk(child)

    for company in data["companies"]:
        walk(company)
    assert set(Department.objects.values_list("name", flat=True)) <= names
    assert data["department_count"] == Department.objects.count()
    assert "编制" in page.content() and "空缺" in page.content()


def test_switching_the_language_turns_the_pages_english_and_traditional(page, live_server, industrial):
    login(page, live_server, "east-rm-1", PASSWORD)
    assert page.locator("h1").first.inner_text() == "工作台"

    with page.expect_navigation():
        page.select_option("#sd-language-form select", "en")
    assert page.locator("h1").first.inner_text() == "Workbench"
    assert "Organisation" in page.locator("nav").first.inner_text()

    with page.expect_navigation():
        page.select_option("#sd-language-form select", "zh-hant")
    assert "組織" in page.locator("nav").first.inner_text() and "工作台" in page.locator("nav").first.inner_text()

    # The choice is the person's: it survives logging out and in again.
    page.context.clear_cookies()
    login(page, live_server, "east-rm-1", PASSWORD)
    assert "組織" in page.locator("nav").first.inner_text() and "銷售" in page.locator("nav").first.inner_text()


def test_the_workbench_fits_a_phone_and_the_menu_folds_into_a_toggler(browser, live_server, industrial):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        login(phone, live_server, "east-rm-1", PASSWORD)
        assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        toggler = phone.locator(".navbar-toggler")
        assert toggler.is_visible()
        assert not phone.get_by_role("link", name="组织架构").first.is_visible()
        toggler.click()
        group = phone.locator('[data-nav-group="org"]')
        group.wait_for(state="visible")
        group.click()  # the organisation pages sit in a drop-down of the folded menu
        phone.get_by_role("link", name="组织架构").first.wait_for(state="visible")
    finally:
        context.close()
