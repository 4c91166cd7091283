"""Bold next to Chinese punctuation renders as bold on the module page, in both languages, with no asterisks
or invisible helper characters left in the page."""

from __future__ import annotations

import re

from conftest import login

COURSE = "info-security"


def module_page(server, unique, path: str, language: str) -> str:
    learner = unique("emphasis")
    password = server.add_user(learner, "林晓")
    http = login(server, learner, password)
    response = http.get(server.url(path), headers={"Accept-Language": language}, timeout=10)
    assert response.status_code == 200, f"GET {path} -> {response.status_code}"
    return response.text


def main_text(page: str) -> str:
    main = page[page.index("<main"):page.index("</main>")]
    return re.sub(r"<code>.*?</code>", "", main, flags=re.S)


def test_the_phishing_module_shows_its_statistic_in_bold_in_chinese_and_english(server, unique):
    chinese = module_page(server, unique, f"/courses/{COURSE}/modules/phishing", "zh")
    assert "<strong>68%</strong>的泄露" in chinese
    english = module_page(server, unique, f"/courses/{COURSE}/modules/phishing", "en")
    assert "<strong>68%</strong> of breaches" in english
    for page in (chinese, english):
        assert "**" not in main_text(page)
        assert "\ufdd0" not in page


def test_bold_ending_in_a_full_width_bracket_renders_on_the_passwords_module(server, unique):
    page = module_page(server, unique, f"/courses/{COURSE}/modules/passwords-mfa", "zh")
    assert "<strong>第4版（SP 800-63B-4）</strong>进一步" in page
    assert "**" not in main_text(page)
