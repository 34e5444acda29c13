"""An operator rejects an inspiration from the list, then finds the rejection under their
name on the inspiration's History page and in the Audit list (screenshots of each step)."""

import pytest

from inspirations.services import inspiration_create

pytestmark = pytest.mark.browser


def test_an_operator_sees_their_rejection_in_the_history_and_the_audit_list(console):
    inspiration = inspiration_create(title="A cat explains taxes")
    page = console.page

    console.open("/admin/inspirations/inspiration/")
    page.check(f"input[name=_selected_action][value='{inspiration.pk}']")
    page.select_option("select[name=action]", "reject")
    console.shot("1-reject-selected")
    page.click("button[name=index]")
    assert f"Inspiration #{inspiration.pk} rejected." in page.locator(".messagelist").inner_text()

    console.open(f"/admin/inspirations/inspiration/{inspiration.pk}/history/")
    history = page.locator("#audit-history")
    newest = history.locator("tbody tr").first.inner_text()
    assert "inspiration.reject" in newest
    assert "ops" in newest and "operator" in newest
    assert "draft → rejected" in newest
    assert "inspiration.create" in history.inner_text()
    console.shot("2-history")

    page.click("text=this object in the audit trail")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 2
    assert "inspiration.reject" in rows.first.inner_text()
    assert "ops" in rows.first.inner_text()
    console.shot("3-audit-list-of-the-object")

    console.open("/admin/core/auditentry/")
    page.click("#changelist-filter >> text=reject")
    only = page.locator("#result_list tbody tr")
    assert only.count() == 1
    assert "A cat explains taxes" in only.first.inner_text()
    # The list fits the console's 1280 px: neither the page nor the table scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    results = page.locator(".results")
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")
    console.shot("4-audit-list-filtered")
