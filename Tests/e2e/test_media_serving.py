"""Course media over HTTP: signed-in people only, byte ranges checked byte-exactly with curl (the real client) and
Python requests, validators and conditional requests, If-Range, 416, HEAD, the download disposition, names outside
media/ refused, and the server's memory not growing by the size of a large file it sends."""
from __future__ import annotations

import hashlib
import os
import random
import threading
import time
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from conftest import Server, login, stop_and_check
from media_files import make_media_course

BIG_SIZE = 50 * 1024 * 1024
LOGIN = "media-viewer"


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory):
    """A server with the media course (plus a 50 MB file and an empty one in its media/ folder), and a signed-in
    requests session."""
    root = tmp_path_factory.mktemp("media-serving")
    courses = root / "Courses"
    course = make_media_course(courses)
    big = course / "media" / "big.bin"
    with big.open("wb") as out:
        for _ in range(BIG_SIZE // (1024 * 1024)):
            out.write(os.urandom(1024 * 1024))
    (course / "media" / "empty.bin").write_bytes(b"")
    server = Server(root / "server", demo=False, extra=("--courses", str(courses))).start()
    password = server.add_user(LOGIN, "媒体学员")
    http = login(server, LOGIN, password)
    yield server, http, course / "media"
    stop_and_check(server)


def cookie_header(http: requests.Session) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies)


def curl(server: Server, http: requests.Session | None, path: str, *arguments: str) -> tuple[int, dict[str, str], bytes]:
    """Runs curl and returns status, headers (lower-case names, last value) and body bytes."""
    assert shutil.which("curl"), "curl is required"
    command = ["curl", "--silent", "--show-error", "--max-time", "60", "--dump-header", "-", "--output", "-"]
    if http is not None:
        command += ["--header", f"Cookie: {cookie_header(http)}"]
    done = subprocess.run([*command, *arguments, server.url(path)], capture_output=True, timeout=90)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    head, _, body = done.stdout.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def lecture(directory: Path) -> bytes:
    return (directory / "lecture.mp4").read_bytes()


def test_curl_ranges_are_byte_exact(media) -> None:
    server, http, directory = media
    data = lecture(directory)
    size = len(data)
    path = "/media/media-course/lecture.mp4"
    middle = size // 2
    for arguments, first, last in [
        (("--range", "0-0"), 0, 0),
        (("--range", f"{middle}-{middle + 999}"), middle, middle + 999),
        (("--range", f"{size - 1}-{size - 1}"), size - 1, size - 1),
        (("--range", "-500"), size - 500, size - 1),
        (("--range", f"{middle}-"), middle, size - 1),
        (("--range", f"{size - 10}-{size + 5000}"), size - 10, size - 1),
    ]:
        status, headers, body = curl(server, http, path, *arguments)
        assert status == 206, (arguments, status)
        assert headers["content-range"] == f"bytes {first}-{last}/{size}"
        assert int(headers["content-length"]) == last - first + 1
        assert body == data[first:last + 1], arguments
        assert headers["content-type"] == "video/mp4"
        assert headers["accept-ranges"] == "bytes"

    status, headers, body = curl(server, http, path)
    assert status == 200 and body == data
    assert headers["etag"].startswith('"') and not headers["etag"].startswith("W/")
    assert headers["cache-control"] == "private, max-age=3600"
    assert headers["x-content-type-options"] == "nosniff"
    assert "last-modified" in headers
    assert "content-encoding" not in headers


def test_requests_ranges_and_if_range(media) -> None:
    server, http, directory = media
    data = lecture(directory)
    size = len(data)
    url = server.url("/media/media-course/lecture.mp4")
    whole = http.get(url, headers={"Accept-Encoding": "gzip"})
    assert whole.status_code == 200 and whole.content == data
    assert "Content-Encoding" not in whole.headers
    etag = whole.headers["ETag"]

    first = http.get(url, headers={"Range": "bytes=0-0"})
    assert first.status_code == 206 and first.content == data[:1]
    suffix = http.get(url, headers={"Range": "bytes=-1"})
    assert suffix.status_code == 206 and suffix.content == data[-1:]
    assert suffix.headers["Content-Range"] == f"bytes {size - 1}-{size - 1}/{size}"

    current = http.get(url, headers={"Range": "bytes=100-199", "If-Range": etag})
    assert current.status_code == 206 and current.content == data[100:200]
    by_date = http.get(url, headers={"Range": "bytes=100-199", "If-Range": whole.headers["Last-Modified"]})
    assert by_date.status_code == 206 and by_date.content == data[100:200]
    stale = http.get(url, headers={"Range": "bytes=100-199", "If-Range": '"0-0-0"'})
    assert stale.status_code == 200 and stale.content == data

    # The same with curl: a stale ETag in If-Range sends the whole file.
    status, _, body = curl(server, http, "/media/media-course/lecture.mp4", "--range", "100-199",
                           "--header", 'If-Range: "0-0-0"')
    assert status == 200 and body == data
    status, _, body = curl(server, http, "/media/media-course/lecture.mp4", "--range", "100-199",
                           "--header", f"If-Range: {etag}")
    assert status == 206 and body == data[100:200]


def test_unsatisfiable_invalid_and_several_ranges(media) -> None:
    server, http, directory = media
    data = lecture(directory)
    size = len(data)
    url = server.url("/media/media-course/lecture.mp4")
    for header in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        response = http.get(url, headers={"Range": header})
        assert response.status_code == 416, header
        assert response.headers["Content-Range"] == f"bytes */{size}"
    status, headers, _ = curl(server, http, "/media/media-course/lecture.mp4", "--range", f"{size}-")
    assert status == 416 and headers["content-range"] == f"bytes */{size}"
    for header in ("bytes=9-1", "bytes=abc", "pages=0-9", "bytes=0-1,5-9"):
        response = http.get(url, headers={"Range": header})
        assert response.status_code == 200, header
        assert response.content == data

    empty = server.url("/media/media-course/empty.bin")
    assert http.get(empty).status_code == 200 and http.get(empty).content == b""
    response = http.get(empty, headers={"Range": "bytes=0-"})
    assert response.status_code == 416 and response.headers["Content-Range"] == "bytes */0"


def test_conditional_requests_and_head(media) -> None:
    server, http, directory = media
    url = server.url("/media/media-course/lecture.mp4")
    whole = http.get(url)
    etag, modified = whole.headers["ETag"], whole.headers["Last-Modified"]
    assert http.get(url, headers={"If-None-Match": etag}).status_code == 304
    cached = http.get(url, headers={"If-Modified-Since": modified})
    assert cached.status_code == 304 and cached.content == b"" and cached.headers["ETag"] == etag
    assert http.get(url, headers={"If-None-Match": '"other"', "If-Modified-Since": modified}).status_code == 200
    status, headers, body = curl(server, http, "/media/media-course/lecture.mp4", "--header", f"If-None-Match: {etag}")
    assert status == 304 and body == b""

    head = http.head(url)
    assert head.status_code == 200 and head.content == b""
    for name in ("ETag", "Last-Modified", "Content-Type", "Accept-Ranges", "Content-Length", "Cache-Control"):
        assert head.headers[name] == whole.headers[name], name
    status, headers, body = curl(server, http, "/media/media-course/lecture.mp4", "--head")
    assert status == 200 and body.strip() == b"" and int(headers["content-length"]) == len(lecture(directory))


def test_download_disposition_and_content_types(media) -> None:
    server, http, directory = media
    response = http.get(server.url("/media/media-course/lecture.mp4?download=1"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename*=UTF-8''lecture.mp4"
    assert "Content-Disposition" not in http.get(server.url("/media/media-course/lecture.mp4")).headers
    for name, expected in (("briefing.mp3", "audio/mpeg"), ("lecture.jpg", "image/jpeg"),
                           ("lecture.zh.vtt", "text/vtt; charset=utf-8")):
        response = http.get(server.url(f"/media/media-course/{name}"))
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == expected
        assert response.content == (directory / name).read_bytes()


def test_signed_out_and_outside_media_are_refused(media) -> None:
    server, http, _ = media
    status, headers, body = curl(server, None, "/media/media-course/lecture.mp4", "--range", "0-99")
    assert status == 303 and headers["location"].startswith("/login")
    assert b"ftyp" not in body and len(body) < 1000
    anonymous = requests.get(server.url("/media/media-course/lecture.mp4"), allow_redirects=False, timeout=10)
    assert anonymous.status_code == 303
    for path in ("/media/media-course/../course.yaml", "/media/media-course/%2e%2e/course.yaml",
                 "/media/media-course/%2E%2E/%2E%2E/media-course/course.yaml", "/media/media-course/missing.mp4",
                 "/media/media-course/modules/01-lecture.zh.md", "/media/other-course/lecture.mp4"):
        status, _, body = curl(server, http, path, "--path-as-is")
        assert status in (400, 404), (path, status)
        assert b"id: media-course" not in body and b"ftyp" not in body


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise AssertionError(f"no {field}")


def test_a_large_file_is_not_read_into_memory(media) -> None:
    server, http, directory = media
    assert server.process is not None
    pid = server.process.pid
    expected = hashlib.sha256((directory / "big.bin").read_bytes()).hexdigest()
    # The peak (VmHWM) as well as the current size (VmRSS): a copy freed once it is sent leaves no trace in VmRSS.
    # Writing 5 to clear_refs resets the peak to the current size (where allowed).
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass
    before_rss, before_peak = memory_kb(pid, "VmRSS"), memory_kb(pid, "VmHWM")
    done = subprocess.run(["curl", "--silent", "--fail", "--max-time", "120", "--header",
                           f"Cookie: {cookie_header(http)}", server.url("/media/media-course/big.bin")],
                          capture_output=True, timeout=150)
    assert done.returncode == 0
    assert len(done.stdout) == BIG_SIZE and hashlib.sha256(done.stdout).hexdigest() == expected
    peak = memory_kb(pid, "VmHWM") - before_peak
    # Reading the file into memory would add at least 50 MB to the peak; sending it from the file adds ~nothing.
    assert peak < 20 * 1024, f"the server's peak RSS grew by {peak} KiB while sending a 50 MB file"
    with http.get(server.url("/media/media-course/big.bin"), headers={"Range": "bytes=1048576-"}, stream=True) as response:
        assert response.status_code == 206
        received = sum(len(chunk) for chunk in response.iter_content(1024 * 1024))
    assert received == BIG_SIZE - 1048576
    grown = memory_kb(pid, "VmRSS") - before_rss
    peak = memory_kb(pid, "VmHWM") - before_peak
    assert grown < 20 * 1024, f"the server's RSS grew by {grown} KiB while sending a 50 MB file twice"
    assert peak < 20 * 1024, f"the server's peak RSS grew by {peak} KiB while sending a 50 MB file twice"


def descriptor_targets(pid: int) -> list[str]:
    """What the server's open descriptors name; one closed between listing and reading (the server's own
    housekeeping, a database file rotated) is skipped rather than read."""
    targets = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            targets.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except FileNotFoundError:
            continue
    return targets


def open_descriptors(pid: int, database: Path) -> int:
    """The server's open descriptors, leaving out its database connections (the database file, its WAL and shared
    memory): read connections are opened as concurrent requests need them and kept for the next ones."""
    return sum(1 for target in descriptor_targets(pid) if not target.startswith(str(database)))


def test_two_hundred_viewers_get_their_ranges_and_every_descriptor_is_given_back(media, tmp_path: Path) -> None:
    """200 connections at once (one address: the per-address limit is lifted, as behind a proxy), each fetching
    ranges of the 50 MB file: every answer is exact, and afterwards the server holds no more descriptors than before."""
    _, _, directory = media
    courses = directory.parent.parent
    server = Server(tmp_path / "viewers", demo=False, extra=("--courses", str(courses), "--per-ip-limit", "0")).start()
    try:
        password = server.add_user("viewer", "观众")
        cookie = cookie_header(login(server, "viewer", password))
        assert server.process is not None
        pid = server.process.pid
        data = (directory / "big.bin").read_bytes()
        before = open_descriptors(pid, server.db)
        barrier = threading.Barrier(200)
        failures: list[str] = []

        def viewer(number: int) -> None:
            chooser = random.Random(number)
            with requests.Session() as session:
                session.headers["Cookie"] = cookie
                barrier.wait(timeout=60)
                for _ in range(3):
                    first = chooser.randrange(0, len(data) - 262144)
                    last = first + 262143
                    response = session.get(server.url("/media/media-course/big.bin"), timeout=60,
                                           headers={"Range": f"bytes={first}-{last}"})
                    if response.status_code != 206 or response.content != data[first:last + 1]:
                        failures.append(f"viewer {number}: {response.status_code}, {len(response.content)} bytes")

        threads = [threading.Thread(target=viewer, args=(number,)) for number in range(200)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        assert not failures, failures[:5]
        # Idle kept-alive connections close with the clients' sessions; their files were closed when each answer ended.
        deadline = time.monotonic() + 10
        while open_descriptors(pid, server.db) > before + 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert open_descriptors(pid, server.db) <= before + 2, (before, descriptor_targets(pid))
        assert not any(name.endswith("big.bin") for name in descriptor_targets(pid))
    finally:
        stop_and_check(server)
