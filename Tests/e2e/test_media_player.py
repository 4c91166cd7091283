"""The module page's recorded lectures in headless Chromium: the video plays and its captions (the page's
language) load, the watched share reaches the server and completes the module, skipping ahead is held back and
earns nothing where the module disallows it, the page works without JavaScript (players, transcripts, download
link), axe-core finds nothing in either language, and the keyboard reaches the player and the download link."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from conftest import Server, browser_sign_in, login, needs_chromium, save_screenshot, stop_and_check, wait_for
from media_files import make_media_course
from test_accessibility import axe_source, axe_violations, describe
from test_keyboard import tab_to

pytestmark = needs_chromium

COURSE = "media-course"
PAGE = f"/courses/{COURSE}/modules/lecture"
DURATION = 6


def start_site(root: Path, *, seeking: str) -> Server:
    """A server with only the media course (watch 90 %, `seeking` as given) and no demo data."""
    courses = root / "courses"
    make_media_course(courses, watch="90%", seeking=seeking, duration=DURATION)
    return Server(root / "server", demo=False, extra=("--courses", str(courses))).start()


@pytest.fixture(scope="module")
def free_site(tmp_path_factory):
    running = start_site(tmp_path_factory.mktemp("media-free"), seeking="free")
    yield running
    stop_and_check(running)


@pytest.fixture(scope="module")
def held_site(tmp_path_factory):
    running = start_site(tmp_path_factory.mktemp("media-held"), seeking="watched-only")
    yield running
    stop_and_check(running)


_learners = iter(range(1, 10_000))


def learner(site: Server) -> tuple[str, str]:
    name = f"viewer-{next(_learners)}"
    return name, site.add_user(name, f"Viewer {name}")


def open_module(chromium, site: Server, language: str = "zh", *, javascript: bool = True):
    from selenium.webdriver.common.by import By

    name, password = learner(site)
    driver = chromium(language, javascript=javascript)
    browser_sign_in(driver, site, name, password, language)
    driver.get(site.url(PAGE))
    wait_for(driver, lambda d: d.find_elements(By.ID, "media-lecture-player"), message="no player on the module page")
    if javascript:
        # A click is the person's first interaction: Chromium then lets the page start playing (muted) by script.
        driver.find_element(By.TAG_NAME, "h1").click()
    return driver


def play_to_end(driver, player_id: str) -> None:
    """Plays a player muted until it ends."""
    driver.execute_script("var p = document.getElementById(arguments[0]); p.muted = true; p.play();", player_id)
    wait_for(driver, lambda d: d.execute_script("return document.getElementById(arguments[0]).ended", player_id),
             timeout=DURATION * 4, message=f"{player_id} did not play to its end")


def status_text(driver, item: str) -> str:
    return driver.execute_script("return document.getElementById(arguments[0]).textContent", f"media-{item}-status")


def share_shown(text: str) -> int:
    found = re.search(r"(\d+)\s*%", text)
    assert found, f"no share in {text!r}"
    return int(found.group(1))


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_video_plays_and_the_pages_captions_load(chromium, free_site, language):
    driver = open_module(chromium, free_site, language)
    driver.execute_script("var p = document.getElementById('media-lecture-player'); p.muted = true; p.play();")
    wait_for(driver, lambda d: d.execute_script("return document.getElementById('media-lecture-player').currentTime") > 0.5,
             timeout=15, message="currentTime did not advance after play()")
    tracks = driver.execute_script(
        "var t = document.getElementById('media-lecture-player').textTracks, r = [];"
        "for (var i = 0; i < t.length; i++) { r.push({language: t[i].language, mode: t[i].mode}); } return r;")
    assert {track["language"] for track in tracks} == {"zh", "en"}, tracks
    for track in tracks:
        assert track["mode"] == ("showing" if track["language"] == language else "disabled"), tracks
    wait_for(driver, lambda d: d.execute_script(
        "var t = document.getElementById('media-lecture-player').textTracks;"
        "for (var i = 0; i < t.length; i++) { if (t[i].language === arguments[0]) {"
        " return t[i].cues !== null && t[i].cues.length > 0; } } return false;", language),
        timeout=10, message=f"the {language} captions did not load")
    first_cue = driver.execute_script(
        "var t = document.getElementById('media-lecture-player').textTracks;"
        "for (var i = 0; i < t.length; i++) { if (t[i].language === arguments[0]) { return t[i].cues[0].text; } }",
        language)
    assert first_cue == ("钓鱼邮件常常冒充上级单位。" if language == "zh" else "Phishing often pretends to come from above.")
    # The audio briefing plays too.
    driver.execute_script("var p = document.getElementById('media-briefing-player'); p.muted = true; p.play();")
    wait_for(driver, lambda d: d.execute_script("return document.getElementById('media-briefing-player').currentTime") > 0.5,
             timeout=15, message="the audio did not play")


def test_the_watched_share_reaches_the_server_and_completes_the_module(chromium, free_site):
    from selenium.webdriver.common.by import By

    driver = open_module(chromium, free_site, "zh")
    assert driver.find_element(By.ID, "study-status").get_attribute("data-watch") == "1"
    assert status_text(driver, "lecture") == "已观看 0%（需 90%）"
    play_to_end(driver, "media-lecture-player")
    # The report sent at the end comes back as the server's status line.
    wait_for(driver, lambda d: share_shown(status_text(d, "lecture")) > 0, timeout=10,
             message=f"the watched share did not reach the server: {status_text(driver, 'lecture')!r}")
    play_to_end(driver, "media-briefing-player")
    # The report that completes the module says so in the status line.
    wait_for(driver, lambda d: status_text(d, "briefing") == "本模块已完成，已计入 0.5 学时。", timeout=10,
             message=f"the briefing's status: {status_text(driver, 'briefing')!r}")
    driver.get(free_site.url(PAGE))
    driver.find_element(By.TAG_NAME, "h1").click()
    assert share_shown(status_text(driver, "lecture")) >= 90, status_text(driver, "lecture")
    assert share_shown(status_text(driver, "briefing")) >= 90, status_text(driver, "briefing")
    # Both recordings watched: the module is completed and its hours credited, as the page-time rule does.
    assert driver.find_elements(By.CSS_SELECTOR, ".meta .tag-completed"), "the module is not completed"
    assert "本模块已完成，已计入 0.5 学时。" in driver.find_element(By.ID, "study-progress").text


def test_seeking_ahead_is_held_back_and_earns_nothing_where_the_module_disallows_it(chromium, held_site):
    from selenium.webdriver.common.by import By

    driver = open_module(chromium, held_site, "en")
    section = driver.find_element(By.CSS_SELECTOR, "section[data-media='lecture']")
    assert section.get_attribute("data-seeking") == "watched-only"
    assert "you cannot skip ahead past parts you have not watched" in driver.find_element(By.CLASS_NAME, "media-rule").text
    driver.execute_script("var p = document.getElementById('media-lecture-player'); p.muted = true; p.play();")
    wait_for(driver, lambda d: d.execute_script("return document.getElementById('media-lecture-player').currentTime") > 1,
             timeout=15, message="the video did not play")
    driver.execute_script("document.getElementById('media-lecture-player').pause();")
    time.sleep(1)  # the report sent on pause has its answer before the learner tries to skip
    driver.execute_script("document.getElementById('media-lecture-player').currentTime = 5.5;")
    wait_for(driver, lambda d: d.execute_script(
        "var p = document.getElementById('media-lecture-player'); return !p.seeking && p.currentTime < 3.5;"),
        timeout=5, message="the player was not sent back to the part watched")
    assert status_text(driver, "lecture").startswith("You cannot skip ahead past parts you have not watched; back to 00:0")
    played = driver.execute_script(
        "var r = document.getElementById('media-lecture-player').played, s = 0;"
        "for (var i = 0; i < r.length; i++) { s += r.end(i) - r.start(i); } return s;")
    # Nothing beyond what was played in order is credited.
    driver.get(held_site.url(PAGE))
    shown = share_shown(status_text(driver, "lecture"))
    assert shown <= round((played + 1.5) / DURATION * 100), (shown, played)
    assert shown < 90 and not driver.find_elements(By.CSS_SELECTOR, ".meta .tag-completed")
    # A report of the skipped part made up by hand earns nothing either.
    credited = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "var token = document.getElementById('study-status').getAttribute('data-csrf');"
        "fetch(arguments[0], {method: 'POST', credentials: 'same-origin', headers: {'Accept': 'application/json',"
        " 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': token},"
        " body: 'media=lecture&ranges=4.5-6&position=6'}).then(function (r) { return r.json(); })"
        ".then(function (j) { done(j); }).catch(function (e) { done({error: String(e)}); });",
        held_site.url(PAGE + "/watch"))
    assert credited.get("share", 1) < 0.9 and credited.get("completed") is False, credited
    assert credited["frontier"] < 3.5, credited


def test_the_page_works_without_javascript(chromium, free_site):
    from selenium.webdriver.common.by import By

    driver = open_module(chromium, free_site, "zh", javascript=False)
    video = driver.find_element(By.ID, "media-lecture-player")
    assert video.is_displayed() and video.get_attribute("controls") is not None
    assert driver.find_element(By.ID, "media-briefing-player").is_displayed()
    text = driver.find_element(By.TAG_NAME, "main").text
    assert "讲座：识别钓鱼邮件" in text and "时长 00:06" in text
    assert "钓鱼邮件常常冒充上级单位。它们催你马上点击链接。" in text, "the transcript is not on the page"
    link = driver.find_element(By.CSS_SELECTOR, f"a[href='/media/{COURSE}/lecture.mp4?download=1']")
    assert link.text.startswith("下载：讲座：识别钓鱼邮件（MP4 视频，") and link.text.endswith("KB）")
    # Without scripts the page-time rule applies and says so; the watch rule is stated in words.
    assert "浏览器未启用脚本时按学习时间计" in text
    assert "观看每个音视频的 90% 即完成本单元。" in text


def test_the_page_over_http_is_small_and_allowed_its_media_by_the_policy(free_site):
    name, password = learner(free_site)
    http = login(free_site, name, password)
    page = http.get(free_site.url(PAGE), headers={"Accept-Language": "en"}, timeout=10)
    assert page.status_code == 200
    html = page.text
    assert '<track kind="captions" srclang="en" label="English" src="/media/media-course/lecture.en.vtt" default>' in html
    assert '<source src="/media/media-course/briefing.mp3" type="audio/mpeg">' in html
    assert "Transcript: Briefing: this month&#39;s phishing" in html
    style = requests.get(free_site.url("/assets/style.css"), timeout=10)
    assert len(page.content) + len(style.content) <= 50 * 1024, (len(page.content), len(style.content))
    policy = page.headers["Content-Security-Policy"]
    # No media-src of its own: default-src 'self' lets the page's players and tracks load from this origin.
    assert "default-src 'self'" in policy and "media-src" not in policy
    script = re.search(r'<script src="(/assets/media\.js[^"]*)" defer>', html)
    assert script, "media.js is not loaded"
    assert "<script>" not in html and " style=" not in html
    for path in ("/media/media-course/lecture.mp4", "/media/media-course/lecture.en.vtt", "/media/media-course/lecture.jpg"):
        assert http.get(free_site.url(path), timeout=10).status_code == 200, path


@pytest.mark.parametrize("language", ["zh", "en"])
def test_axe_finds_nothing_on_the_module_page_with_media(chromium, free_site, language):
    driver = open_module(chromium, free_site, language)
    # The site's Content-Security-Policy lets the players, the poster and the captions load from this origin.
    wait_for(driver, lambda d: d.execute_script(
        "var v = document.getElementById('media-lecture-player'), a = document.getElementById('media-briefing-player');"
        "var t = v.querySelector('track[default]');"
        "return v.readyState >= 1 && a.readyState >= 1 && t.readyState === 2;"),
        timeout=10, message="the recordings' metadata or the captions did not load")
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    save_screenshot(driver, "module-media", language)


def test_the_keyboard_reaches_the_players_and_the_download_link(chromium, free_site):
    driver = open_module(chromium, free_site, "en")
    tab_to(driver, "#media-lecture-player")
    tab_to(driver, f"a[href='/media/{COURSE}/lecture.mp4?download=1']")
    tab_to(driver, "#media-briefing-player")
    # Nothing traps the focus: Tab goes on past the players to the rest of the page.
    tab_to(driver, "nav.pager a")
