"""The operator's first look: the overview of a day in the factory, and one of its numbers
followed to the list behind it."""

import io
import re

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_day(transactional_db):
    call_command("load_demo", stdout=io.StringIO())


def paginator_count(page) -> int:
    # The admin list says "2 tasks" (or "2 tasks (5 total)" when filtered) under its rows.
    return int(re.match(r"\s*(\d+)", page.locator("p.paginator").inner_text()).group(1))


def test_an_operator_reads_the_overview_and_finds_the_expired_leases(console, demo_day):
    console.open("/admin/")
    page = console.page
    assert page.title() == "Operations overview | ShortsGen console"
    for panel in ("queue", "trouble", "workers", "quota", "workflow-runs", "review"):
        assert page.locator(f"#overview-{panel}").is_visible()
    assert page.locator("#overview-workers tbody tr").count() == 3
    assert page.locator("#overview-quota .sg-tag.exhausted").count() == 1
    console.shot("overview")

    expired = page.locator("#overview-expired-leases")
    count = int(expired.inner_text())
    assert count == 2
    expired.click()
    page.wait_for_url(re.compile(r"/admin/tasks/task/\?"))
    assert "lease=expired" in page.url
    assert paginator_count(page) == count
    assert page.locator("#result_list tbody tr").count() == count
    console.shot("expired-leases")


def test_every_panel_number_of_the_overview_opens_its_list(console, demo_day):
    console.open("/admin/")
    page = console.page
    for number_id in ("failed-24h", "runs-failed", "runs-stuck", "awaiting-review", "exhausted"):
        link = page.locator(f"#overview-{number_id}")
        count = int(link.inner_text())
        link.click()
        page.wait_for_load_state()
        assert paginator_count(page) == count, number_id
        console.shot(number_id)
        page.go_back()
