"""The console's front door in a real browser: signing in and what the first page shows."""

import pytest

pytestmark = pytest.mark.browser


def test_an_operator_signs_in_through_the_login_form(browser, live_server, console_user):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        response = page.goto(f"{live_server.url}/admin/")
        assert response.status == 200
        assert "/admin/login/" in page.url
        page.fill("#id_username", "ops")
        page.fill("#id_password", "ops-password-1")
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        assert page.locator("#user-tools").inner_text().upper().startswith("WELCOME")
    finally:
        page.close()


def test_a_wrong_password_is_refused_in_words(browser, live_server, console_user):
    page = browser.new_page()
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "ops")
        page.fill("#id_password", "not-the-password")
        page.click("input[type=submit]")
        assert "correct username and password" in page.locator(".errornote").inner_text()
    finally:
        page.close()


def test_the_console_fixture_is_signed_in(console):
    console.open("/admin/")
    assert "/login/" not in console.page.url
    console.shot("index")
