"""Fixtures that drive the real `training-server` binary over HTTP.

The binary is `$TRAINING_SERVER` when set, otherwise `.build/debug/training-server` in the repository.
Every server runs on a free loopback port with its database in a temporary directory, and is stopped
with SIGTERM at teardown, where a clean exit (status 0) is part of the test.
"""

from __future__ import annotations

import html.parser
import os
import re
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin

import pytest
import requests
from requests.adapters import HTTPAdapter

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("TRAINING_SERVER", REPO / ".build" / "debug" / "training-server"))
COURSES = Path(os.environ.get("COURSES_DIR", REPO / "Courses"))
STARTUP_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
MAX_BODY_BYTES = 65536

DEPARTMENT = "省政府/数据局"
OTHER_DEPARTMENT = "省政府/人社厅"
STRONG_PASSWORD = "Lantern-Orchard-Quietly-47"

LISTENING = re.compile(r"(https?)://127\.0\.0\.1:(\d+)")
DEMO_LINE = re.compile(r"^\s+(demo-(?:learner|trainer|hr|admin))\s+(\S+)(?:\s+\(.*\))?\s*$")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- command line ---------------------------------------------------------------------------------


def run_cli(db: Path, *args: str, stdin: str | None = None, check: bool = True,
            timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Runs `training-server <args> --db <db>` and returns the finished process (stdout and stderr as text)."""
    command = [str(BINARY), *args, "--db", str(db)]
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done


# --- the server process ---------------------------------------------------------------------------


@dataclass
class Server:
    """One running `training-server serve` process."""

    directory: Path
    demo: bool = True
    extra: tuple[str, ...] = ()
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[str] | None = None
    lines: list[str] = field(default_factory=list)
    demo_passwords: dict[str, str] = field(default_factory=dict)
    scheme: str = "http"
    _listening: threading.Event = field(default_factory=threading.Event)

    @property
    def db(self) -> Path:
        return self.directory / "academy.sqlite"

    @property
    def base(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def url(self, path: str) -> str:
        return urljoin(self.base + "/", path.lstrip("/"))

    def start(self) -> "Server":
        assert BINARY.exists(), f"training-server binary not found at {BINARY}"
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [str(BINARY), "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--db", str(self.db), "--courses", str(COURSES), "--threads", "4",
                   "--max-body-bytes", str(MAX_BODY_BYTES), *self.extra]
        if self.demo:
            command.append("--demo")
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, text=True, bufsize=1,
                                        start_new_session=True)
        threading.Thread(target=self._drain, daemon=True).start()
        if not self._listening.wait(STARTUP_TIMEOUT):
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"server did not report listening within {STARTUP_TIMEOUT:.0f} s:\n{self.log}")
        if self.process.poll() is not None:
            raise AssertionError(f"server exited with {self.process.returncode} during start:\n{self.log}")
        if self.demo:
            deadline = time.monotonic() + 3
            while len(self.demo_passwords) < 4 and time.monotonic() < deadline:
                time.sleep(0.05)
        return self

    def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        log = (self.directory / "server.log").open("a", encoding="utf-8")
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            log.write(line + "\n")
            log.flush()
            if demo := DEMO_LINE.match(line):
                self.demo_passwords[demo.group(1)] = demo.group(2)
            if not self._listening.is_set() and (found := LISTENING.search(line)):
                if int(found.group(2)) == self.port:
                    self.scheme = found.group(1)
                    self._listening.set()
        log.close()
        self._listening.set()

    def stop(self) -> int:
        """Sends SIGTERM and returns the exit status (killing the process if it does not stop in time)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"server did not stop within {STOP_TIMEOUT:.0f} s of SIGTERM:\n{self.log}")
        return self.process.returncode

    def cli(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_cli(self.db, *args, stdin=stdin, check=check)

    def add_user(self, login: str, name: str, *, roles: tuple[str, ...] = ("learner",),
                 department: str = DEPARTMENT, password: str = STRONG_PASSWORD) -> str:
        """Creates the department when missing and a user in it; returns the password."""
        self.cli("departments", "add", department, check=False)
        role_args = [part for role in roles for part in ("--role", role)]
        self.cli("users", "add", "--login", login, "--name", name, "--department", department,
                 *role_args, "--password-stdin", stdin=password + "\n")
        return password


def stop_and_check(server: Server) -> None:
    status = server.stop()
    assert status == 0, f"server exited with {status} after SIGTERM:\n{server.log[-4000:]}"


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory):
    """The shared server with demo data, for tests that leave no global state behind."""
    running = Server(tmp_path_factory.mktemp("shared")).start()
    yield running
    stop_and_check(running)


@pytest.fixture
def fresh_server(tmp_path: Path):
    """A factory for servers of the test's own; each is stopped (and checked to exit 0) at teardown."""
    started: list[Server] = []

    def make(*, demo: bool = True, extra: tuple[str, ...] = (), name: str = "server") -> Server:
        running = Server(tmp_path / f"{name}-{len(started)}", demo=demo, extra=extra).start()
        started.append(running)
        return running

    yield make
    for running in started:
        if running.process is not None and running.process.returncode is None:
            stop_and_check(running)


_counter = iter(range(1, 1_000_000))


@pytest.fixture
def unique():
    """Returns a function giving a login nobody else in this run uses."""
    return lambda prefix="user": f"{prefix}-{os.getpid()}-{next(_counter)}"


# --- HTML and cookies -----------------------------------------------------------------------------


class FormParser(html.parser.HTMLParser):
    """Collects every form's action, method and inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._current = {"action": attributes.get("action", ""),
                             "method": attributes.get("method", "get").lower(), "inputs": {}}
            self.forms.append(self._current)
        elif tag in ("input", "button", "select", "textarea") and self._current is not None:
            if "name" in attributes:
                self._current["inputs"][attributes["name"]] = attributes

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def forms(page: str) -> list[dict]:
    parser = FormParser()
    parser.feed(page)
    return parser.forms


def form_with_action(page: str, action: str) -> dict:
    for form in forms(page):
        if form["action"].split("?")[0] == action:
            return form
    raise AssertionError(f"no form posting to {action} in page:\n{page[:3000]}")


def hidden_csrf(page: str, action: str) -> str:
    form = form_with_action(page, action)
    assert "csrf_token" in form["inputs"], f"form {action} has no csrf_token field: {form}"
    return form["inputs"]["csrf_token"].get("value", "")


def set_cookies(response: requests.Response) -> list[str]:
    """Every Set-Cookie header line of a response, unmerged."""
    return list(response.raw.headers.getlist("Set-Cookie"))


def cookie_line(response: requests.Response, name: str) -> str | None:
    for line in set_cookies(response):
        if line.split("=", 1)[0].strip() == name:
            return line
    return None


def cookie_attributes(line: str) -> tuple[str, str, dict[str, str]]:
    """Splits a Set-Cookie line into name, value and lower-cased attributes."""
    first, *rest = [part.strip() for part in line.split(";")]
    name, _, value = first.partition("=")
    attributes: dict[str, str] = {}
    for part in rest:
        key, _, attribute_value = part.partition("=")
        attributes[key.strip().lower()] = attribute_value.strip()
    return name, value, attributes


# --- clients --------------------------------------------------------------------------------------


class SourceAddressAdapter(HTTPAdapter):
    """Makes every connection from one loopback source address, to stand for a distinct client."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        return super().init_poolmanager(*args, **kwargs)


def client(source: str | None = None, *, verify: bool | str = True) -> requests.Session:
    http = requests.Session()
    # The environment's CA bundle and proxy settings would override `verify` and reroute loopback traffic.
    http.trust_env = False
    http.verify = verify
    if source is not None:
        adapter = SourceAddressAdapter(source)
        http.mount("http://", adapter)
        http.mount("https://", adapter)
    return http


def session_cookie_name(server: Server) -> str:
    return "__Host-csa_session" if server.scheme == "https" else "csa_session"


class LoginForm:
    """A browser's view of /login: the anonymous CSRF cookie it holds and the hidden field it last read."""

    def __init__(self, server: Server, http: requests.Session | None = None, next_path: str | None = None) -> None:
        self.server = server
        self.http = http if http is not None else client(verify=server_verify(server))
        path = "/login" if next_path is None else "/login?next=" + quote(next_path, safe="")
        page = self.http.get(server.url(path), allow_redirects=False, timeout=10)
        assert page.status_code == 200, f"GET {path} -> {page.status_code}: {page.text[:500]}"
        self.page = page
        self.token = hidden_csrf(page.text, "/login")

    def submit(self, login: str, password: str, *, csrf: str | None = None,
               next_path: str | None = None) -> requests.Response:
        form = {"login": login, "password": password, "csrf_token": self.token if csrf is None else csrf}
        if next_path is not None:
            form["next"] = next_path
        response = self.http.post(self.server.url("/login"), data=form, allow_redirects=False, timeout=15)
        if response.status_code != 303 and "text/html" in response.headers.get("Content-Type", ""):
            for candidate in forms(response.text):
                if candidate["action"].split("?")[0] == "/login" and "csrf_token" in candidate["inputs"]:
                    self.token = candidate["inputs"]["csrf_token"].get("value", self.token)
        return response


@dataclass
class LoginAttempt:
    http: requests.Session
    response: requests.Response
    login_csrf: str


def server_verify(server: Server) -> bool | str:
    """What `requests` should verify TLS against: the test certificate when the server has one."""
    certificate = server.directory / "cert.pem"
    return str(certificate) if server.scheme == "https" and certificate.exists() else True


def attempt_login(server: Server, login: str, password: str, *, http: requests.Session | None = None,
                  next_path: str | None = None, csrf: str | None = None) -> LoginAttempt:
    """Does what a browser does: GET /login, read the hidden csrf_token, POST the form (no redirects)."""
    form = LoginForm(server, http, next_path)
    token = form.token
    response = form.submit(login, password, csrf=csrf, next_path=next_path)
    return LoginAttempt(form.http, response, token)


def login(server: Server, login_name: str, password: str, *, http: requests.Session | None = None,
          next_path: str | None = None) -> requests.Session:
    """Signs in and returns the session carrying the session cookie; fails the test on anything but 303."""
    attempt = attempt_login(server, login_name, password, http=http, next_path=next_path)
    assert attempt.response.status_code == 303, (
        f"POST /login as {login_name} -> {attempt.response.status_code}: {attempt.response.text[:500]}")
    return attempt.http


def signed_in_csrf(server: Server, http: requests.Session, path: str = "/") -> str:
    """The session's CSRF token, read from the logout form of a signed-in page."""
    page = http.get(server.url(path), allow_redirects=False, timeout=10)
    assert page.status_code == 200, f"GET {path} -> {page.status_code} (expected a signed-in page)"
    return hidden_csrf(page.text, "/logout")


def is_signed_in(server: Server, http: requests.Session) -> bool:
    response = http.get(server.url("/"), allow_redirects=False, timeout=10)
    if response.status_code == 200:
        return True
    assert response.status_code in (303, 302, 401), f"GET / -> {response.status_code}"
    return False
