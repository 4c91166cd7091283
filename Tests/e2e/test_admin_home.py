"""The administration's front page and the wide layout of data pages: only administrators reach /admin, it shows
their own scope (never a sibling bureau), every section is linked from it and from each section's navigation, it
is axe-clean in both languages; HR, trainer and admin tables use a laptop screen's width with column headers on at
most two lines, and stay readable on a phone."""

from __future__ import annotations

import pytest

from admin_org import MARKER, admin_org  # noqa: F401  (module fixture)
from conftest import STRONG_PASSWORD, browser_sign_in, needs_chromium, save_screenshot, wait_for
from test_accessibility import axe_source, axe_violations, describe

SECTIONS = ["people", "departments", "staff-import", "tokens", "audit", "system", "settings"]


def test_only_administrators_reach_the_front_page_and_see_their_scope(admin_org):
    server = admin_org.server
    unit = admin_org.session("admin.a")
    page = unit.get(server.url("/admin"), allow_redirects=False, timeout=30)
    assert page.status_code == 200
    assert "数据局" in page.text
    assert MARKER not in page.text.lower().encode()
    for section in SECTIONS:
        assert f'href="/admin/{section}"' in page.text
    assert 'href="/admin"' in unit.get(server.url("/"), timeout=30).text
    for login_name in ("learner.a1", "hr.a"):
        other = admin_org.session(login_name)
        assert other.get(server.url("/admin"), allow_redirects=False, timeout=30).status_code == 403
        assert 'href="/admin"' not in other.get(server.url("/"), timeout=30).text
    anonymous = server.url("/admin")
    import requests

    answer = requests.get(anonymous, allow_redirects=False, timeout=30)
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login?next=")


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_front_page_is_accessible_and_screenshotted(admin_org, chromium, language):
    driver = chromium(language)
    browser_sign_in(driver, admin_org.server, "admin.a", STRONG_PASSWORD, language)
    driver.get(admin_org.server.url("/admin"))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    save_screenshot(driver, "admin-home", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)


HEADER_LINES = """
return [...document.querySelectorAll('thead th')].map(th => {
  const range = document.createRange(); range.selectNodeContents(th);
  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  return [th.textContent.trim(), tops.size];
});
"""


@needs_chromium
def test_data_pages_use_a_laptop_screen_and_keep_headers_readable(admin_org, chromium):
    from selenium.webdriver.common.by import By

    server = admin_org.server
    driver = chromium("zh", width=1366, height=900)
    browser_sign_in(driver, server, "admin.root", STRONG_PASSWORD)
    driver.get(server.url("/trainer"))
    statistics = driver.find_element(By.CSS_SELECTOR, "a[href$='/statistics']").get_attribute("href")
    for path in ("/hr/people", "/hr", "/trainer", "/admin", statistics):
        driver.get(server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        width = driver.find_element(By.TAG_NAME, "main").size["width"]
        assert width >= 1100, f"{path}: main is {width}px wide on a 1366px screen"
        for text, lines in driver.execute_script(HEADER_LINES):
            assert lines <= 2, f"{path}: the column header {text!r} wraps onto {lines} lines"
    phone = chromium("zh", width=390, height=844)
    browser_sign_in(phone, server, "admin.root", STRONG_PASSWORD)
    phone.get(server.url("/hr/people"))
    wait_for(phone, lambda d: d.execute_script("return document.readyState") == "complete")
    overflow = phone.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px on a phone (only tables may)"
