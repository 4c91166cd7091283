"""A real browser (Debian's headless chromium, driven by Selenium) signs in through the /login page."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "test-output" / "screenshots"))

# A message key shown instead of its translation, e.g. "home.welcome" (domain names are not keys).
MESSAGE_KEY = re.compile(r"(?<![\w./-])[a-z][a-z0-9_]*(?:\.[a-z][a-zA-Z0-9_]*)+(?![\w/-])")
DOMAIN_ENDINGS = (".cn", ".com", ".org", ".net", ".gov")


def untranslated_keys(text: str) -> list[str]:
    return [key for key in MESSAGE_KEY.findall(text) if not key.endswith(DOMAIN_ENDINGS)]


pytestmark = pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                                reason="Debian's chromium and chromium-driver are not installed "
                                       "(apt-get install -y chromium chromium-driver)")


@pytest.fixture(scope="module")
def browser():
    # Selenium Manager must stay offline: it would otherwise try to download a driver and send statistics.
    os.environ["SE_OFFLINE"] = "true"
    os.environ["SE_AVOID_STATS"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN",
                     "--window-size=1280,900", "--disable-gpu"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def test_a_person_signs_in_through_the_login_page_and_sees_their_name(server, browser, unique):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    login_name = unique("browser")
    display_name = "李晓梅"
    password = server.add_user(login_name, display_name)

    browser.get(server.url("/login"))
    wait = WebDriverWait(browser, 10)
    login_field = wait.until(expected_conditions.visibility_of_element_located((By.NAME, "login")))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith("zh")
    assert browser.get_cookie("csa_csrf"), "the login page set no csa_csrf cookie"
    assert browser.save_screenshot(str(SCREENSHOTS / "login-zh.png"))
    # The stylesheet arrives gzip-compressed (Chromium asks for that) and is applied.
    rules = browser.execute_script(
        "return Array.from(document.styleSheets).filter(s => s.href && s.href.includes('/assets/style.css'))"
        ".map(s => s.cssRules.length)")
    assert rules and rules[0] > 20, f"style.css rules seen by the browser: {rules}"
    login_text = browser.find_element(By.TAG_NAME, "body").text
    assert not untranslated_keys(login_text), f"untranslated keys on /login: {untranslated_keys(login_text)}"

    login_field.send_keys(login_name)
    browser.find_element(By.NAME, "password").send_keys(password)
    form = browser.find_element(By.CSS_SELECTOR, "form[action='/login']")
    buttons = form.find_elements(By.CSS_SELECTOR, "button[type='submit'], input[type='submit'], button:not([type])")
    assert buttons, "the login form has no submit button"
    buttons[0].click()

    wait.until(lambda driver: urlsplit(driver.current_url).path == "/")
    wait.until(lambda driver: display_name in driver.find_element(By.TAG_NAME, "body").text)
    session = browser.get_cookie("csa_session")
    assert session and session.get("httpOnly"), f"session cookie: {session}"
    assert browser.execute_script("return document.cookie").find("csa_session") == -1
    assert browser.save_screenshot(str(SCREENSHOTS / "home-zh.png"))
    assert (SCREENSHOTS / "home-zh.png").stat().st_size > 1000
    home_text = browser.find_element(By.TAG_NAME, "body").text
    assert not untranslated_keys(home_text), f"untranslated keys on /: {untranslated_keys(home_text)}"
