"""Fixtures that drive the real `training-server` binary over HTTP.

The binary is `$TRAINING_SERVER` when set, otherwise `.build/debug/training-server` in the repository.
Every server runs on a free loopback port with its database in a temporary directory, and is stopped
with SIGTERM at teardown, where a clean exit (status 0) is part of the test.
"""

from __future__ import annotations

import html.parser
import os
import re
import shutil
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


# --- learner flows: a clock that can travel ------------------------------------------------------


@dataclass
class ClockedServer(Server):
    """A server started with `--test-clock-file`: its clock runs `offset` seconds ahead of the wall clock.

    `advance` moves the clock forward (to finish study time or wait out an attempt delay without waiting).
    """

    offset: float = 0.0

    @property
    def clock_file(self) -> Path:
        return self.directory / "clock-offset"

    def start(self) -> "ClockedServer":
        self.directory.mkdir(parents=True, exist_ok=True)
        self._write_offset()
        self.extra = (*self.extra, "--test-clock-file", str(self.clock_file))
        super().start()
        return self

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        self._write_offset()

    def now(self) -> float:
        return time.time() + self.offset

    def _write_offset(self) -> None:
        # Written beside and renamed, so the server never reads a half-written number (which would count as 0).
        partial = self.clock_file.with_suffix(".partial")
        partial.write_text(f"{self.offset:.3f}\n", encoding="utf-8")
        os.replace(partial, self.clock_file)


@pytest.fixture(scope="module")
def clocked_server(tmp_path_factory: pytest.TempPathFactory):
    """A demo server of the test module's own whose clock the tests move forward."""
    running = ClockedServer(tmp_path_factory.mktemp("clocked")).start()
    yield running
    stop_and_check(running)


# --- the authored courses, as the answer key the tests hold ----------------------------------------


def normalized(text: object) -> str:
    return " ".join(str(text).split())


def language_text(value: object, language: str) -> str:
    """The text in `language` of a bilingual mapping (the other language when it is missing), or a plain string."""
    if isinstance(value, dict):
        return str(value.get(language) or value.get("zh") or value.get("en") or "")
    return "" if value is None else str(value)


def all_languages(value: object) -> list[str]:
    if isinstance(value, dict):
        return [str(text) for text in value.values() if text]
    return [str(value)] if value else []


@dataclass
class PresentedQuestion:
    """One question as a learner's page or the API shows it: presented (per-attempt) ids and texts."""

    number: int
    kind: str  # single | multiple | truefalse | short | numeric | matching
    text: str
    choices: list[tuple[str, str]] = field(default_factory=list)
    prompts: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class PresentedAnswer:
    """An answer to a presented question, in its presented ids."""

    number: int
    kind: str
    choices: list[str] = field(default_factory=list)
    bool: bool | None = None
    text: str | None = None
    matches: dict[str, str] = field(default_factory=dict)

    def form_fields(self) -> list[tuple[str, str]]:
        """The quiz form's fields for this answer (`answer-N`, repeated for several choices; `answer-N-P` for matching)."""
        name = f"answer-{self.number}"
        if self.kind in ("single", "multiple"):
            return [(name, choice) for choice in self.choices]
        if self.kind == "truefalse":
            return [(name, "true" if self.bool else "false")]
        if self.kind in ("short", "numeric"):
            return [(name, self.text or "")]
        return [(f"{name}-{prompt}", answer) for prompt, answer in self.matches.items()]

    def api(self) -> dict:
        """The answer as `/api/v1/attempts/{id}/answers` takes it."""
        body: dict = {"question": self.number}
        if self.kind == "single":
            body["choice"] = self.choices[0]
        elif self.kind == "multiple":
            body["choices"] = list(self.choices)
        elif self.kind == "truefalse":
            body["bool"] = bool(self.bool)
        elif self.kind in ("short", "numeric"):
            body["text"] = self.text or ""
        else:
            body["matches"] = dict(self.matches)
        return body


def number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class AuthoredQuiz:
    """A quiz file as the trainer wrote it: finds a displayed question by its text and knows its answer."""

    def __init__(self, course_id: str, data: dict) -> None:
        self.course_id = course_id
        self.data = data
        self.id = data["id"]
        self.questions: list[dict] = [question for pool in data["pools"] for question in pool.get("questions", [])]

    @property
    def attempt_delay_seconds(self) -> int:
        return int(self.data.get("attempt_delay_minutes", 0)) * 60

    def find(self, text: str, language: str) -> dict:
        wanted = normalized(text)
        found = [question for question in self.questions if normalized(language_text(question["text"], language)) == wanted]
        assert len(found) == 1, f"{self.course_id}/{self.id}: {len(found)} authored questions have the text {wanted!r}"
        return found[0]

    def explanations(self) -> list[str]:
        return [text for question in self.questions for text in all_languages(question.get("explanation"))]

    def feedback_texts(self) -> list[str]:
        """Every per-option, per-answer, true/false and general feedback text, in both languages."""
        texts: list[str] = []
        for question in self.questions:
            for key in ("feedback", "feedback_true", "feedback_false"):
                texts += all_languages(question.get(key))
            for item in question.get("options", []) + question.get("answers", []):
                texts += all_languages(item.get("feedback"))
        return texts

    def shown_texts(self) -> list[str]:
        """Every text a paper may legitimately show: question, option, prompt and matching answer texts."""
        texts: list[str] = []
        for question in self.questions:
            texts += all_languages(question["text"])
            for option in question.get("options", []):
                texts += all_languages(option["text"])
            for pair in question.get("pairs", []):
                texts += all_languages(pair["prompt"]) + all_languages(pair["answer"])
            for distractor in question.get("distractors", []):
                texts += all_languages(distractor)
        return texts

    def answer(self, shown: PresentedQuestion, language: str, *, right: bool) -> PresentedAnswer:
        """The right (or a wrong) answer to `shown`, found by matching its displayed texts to the authored ones."""
        question = self.find(shown.text, language)
        kind = question["type"]
        assert kind == shown.kind, f"question {shown.number} shows as {shown.kind}, authored as {kind}"
        answer = PresentedAnswer(shown.number, kind)

        def presented_id(options: list[tuple[str, str]], authored_text: object) -> str:
            wanted = normalized(language_text(authored_text, language))
            ids = [choice_id for choice_id, text in options if normalized(text) == wanted]
            assert len(ids) == 1, f"question {shown.number}: option {wanted!r} found {len(ids)} times in {options}"
            return ids[0]

        if kind == "single":
            options = question["options"]
            chosen = [option for option in options if bool(option.get("correct")) == right][:1]
            answer.choices = [presented_id(shown.choices, option["text"]) for option in chosen]
        elif kind == "multiple":
            options = question["options"]
            if right:
                chosen = [option for option in options if option.get("weight", 0) > 0]
            else:
                chosen = [option for option in options if option.get("weight", 0) <= 0] or \
                    [min(options, key=lambda option: option.get("weight", 0))]
            answer.choices = [presented_id(shown.choices, option["text"]) for option in chosen]
        elif kind == "truefalse":
            answer.bool = bool(question["answer"]) == right
        elif kind == "short":
            accepted = [item["text"] for item in question["answers"]
                        if item.get("weight", 100) == 100 and "*" not in str(item["text"])]
            preferred = [text for text in accepted if str(text).isascii() == (language == "en")] or accepted
            answer.text = str(preferred[0]) if right else "no such answer 无此答案"
        elif kind == "numeric":
            full = [item for item in question["answers"] if item.get("weight", 100) == 100]
            item = full[0]
            value = item["value"] if "value" in item else (float(item["min"]) + float(item["max"])) / 2
            if right:
                answer.text = number_text(value)
            else:
                highest = max(float(entry.get("value", entry.get("max", 0)) or 0) for entry in question["answers"])
                answer.text = number_text(abs(highest) * 10 + 987)
        else:
            pairs = question["pairs"]
            answers = [presented_id(shown.choices, pair["answer"]) for pair in pairs]
            if not right:
                answers = answers[1:] + answers[:1]
            for pair, chosen_id in zip(pairs, answers):
                answer.matches[presented_id(shown.prompts, pair["prompt"])] = chosen_id
        return answer


def read_yaml(text: str):
    """YAML as PyYAML reads it (with libyaml's parser when it is there: the quiz files are large)."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


class CourseBook:
    """The shipped course files, read with PyYAML: modules (front matter) and quizzes by course id, each file
    read when first asked for."""

    def __init__(self, root: Path = COURSES) -> None:
        self.folders: dict[str, Path] = {}
        self.courses: dict[str, dict] = {}
        for course_file in sorted(root.glob("*/course.yaml")):
            course = read_yaml(course_file.read_text(encoding="utf-8"))
            self.folders[course["id"]] = course_file.parent
            self.courses[course["id"]] = course
        self._modules: dict[str, dict[str, dict]] = {}
        self._quizzes: dict[tuple[str, str], AuthoredQuiz] = {}

    def course(self, course_id: str) -> dict:
        return self.courses[course_id]

    def modules(self, course_id: str) -> dict[str, dict]:
        if course_id not in self._modules:
            modules: dict[str, dict] = {}
            for module_file in sorted((self.folders[course_id] / "modules").glob("*.md")):
                language = module_file.name.rsplit(".", 2)[-2]
                front = read_yaml(module_file.read_text(encoding="utf-8").split("---", 2)[1])
                entry = modules.setdefault(front["id"], {"minutes": front["minutes"], "hours": front["hours"]})
                entry[language] = front
            self._modules[course_id] = modules
        return self._modules[course_id]

    def module(self, course_id: str, module_id: str) -> dict:
        return self.modules(course_id)[module_id]

    def quiz(self, course_id: str, quiz_id: str) -> AuthoredQuiz:
        if (course_id, quiz_id) not in self._quizzes:
            path = self.folders[course_id] / "quizzes" / f"{quiz_id}.yaml"
            self._quizzes[(course_id, quiz_id)] = AuthoredQuiz(course_id, read_yaml(path.read_text(encoding="utf-8")))
        return self._quizzes[(course_id, quiz_id)]

    def exam_hours(self, course_id: str) -> float:
        """Hours the completion exam credits: the course's hours beyond its modules' hours."""
        course = self.course(course_id)
        modules = sum(float(self.module(course_id, module)["hours"]) for module in course["modules"])
        return max(0.0, float(course["study_hours"]) - modules)


@pytest.fixture(scope="session")
def book() -> CourseBook:
    return CourseBook()


def hours_text(value: float) -> str:
    """Hours as the pages write them: at most one decimal, no trailing zero."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded.is_integer() else str(rounded)


# --- the quiz page, read from HTML ------------------------------------------------------------------


class PaperParser(html.parser.HTMLParser):
    """Reads the questions of an attempt page (`fieldset.question`) into `PresentedQuestion`s."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.questions: list[PresentedQuestion] = []
        self._question: dict | None = None
        self._capture: str | None = None
        self._buffer = ""
        self._select: dict | None = None
        self._option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        classes = attributes.get("class", "").split()
        if tag == "fieldset" and "question" in classes:
            number = int(attributes["id"].rsplit("-", 1)[1])
            self._question = {"number": number, "text": "", "inputs": [], "labels": {}, "selects": []}
        if self._question is None:
            return
        if tag == "span" and "question-text" in classes:
            self._capture, self._buffer = "text", ""
        elif tag == "label":
            self._capture, self._buffer = "label:" + attributes.get("for", ""), ""
        elif tag == "input" and attributes.get("type") != "hidden":
            self._question["inputs"].append(attributes)
        elif tag == "select":
            self._select = {"name": attributes.get("name", ""), "id": attributes.get("id", ""), "options": []}
            self._question["selects"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option, self._buffer = attributes.get("value", ""), ""

    def handle_data(self, data: str) -> None:
        if self._capture is not None or self._option is not None:
            self._buffer += data

    def handle_endtag(self, tag: str) -> None:
        if self._question is None:
            return
        if tag == "span" and self._capture == "text":
            self._question["text"], self._capture = normalized(self._buffer), None
        elif tag == "label" and self._capture and self._capture.startswith("label:"):
            self._question["labels"][self._capture[6:]] = normalized(self._buffer)
            self._capture = None
        elif tag == "option" and self._option is not None and self._select is not None:
            self._select["options"].append((self._option, normalized(self._buffer)))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "fieldset":
            self.questions.append(self._finish(self._question))
            self._question = None

    @staticmethod
    def _finish(raw: dict) -> PresentedQuestion:
        number, inputs, labels = raw["number"], raw["inputs"], raw["labels"]
        if raw["selects"]:
            prompts = [(select["name"].rsplit("-", 1)[1], labels.get(select["id"], "")) for select in raw["selects"]]
            choices = [(value, text) for value, text in raw["selects"][0]["options"] if value]
            return PresentedQuestion(number, "matching", raw["text"], choices, prompts)
        types = {field_input.get("type") for field_input in inputs}
        if types == {"text"}:
            kind = "numeric" if inputs[0].get("inputmode") == "decimal" else "short"
            return PresentedQuestion(number, kind, raw["text"])
        values = [field_input.get("value") for field_input in inputs]
        if types == {"radio"} and values == ["true", "false"]:
            return PresentedQuestion(number, "truefalse", raw["text"])
        kind = "single" if types == {"radio"} else "multiple"
        choices = [(field_input["value"], labels.get(field_input["id"], "")) for field_input in inputs]
        return PresentedQuestion(number, kind, raw["text"], choices)


def paper_questions(page: str) -> list[PresentedQuestion]:
    parser = PaperParser()
    parser.feed(page)
    return parser.questions


def api_questions(attempt: dict, language: str) -> list[PresentedQuestion]:
    """The questions of an API attempt as the learner would read them in `language`."""
    return [PresentedQuestion(question["number"], question["kind"], normalized(language_text(question["text"], language)),
                              [(choice["id"], normalized(language_text(choice["text"], language)))
                               for choice in question["choices"]],
                              [(prompt["id"], normalized(language_text(prompt["text"], language)))
                               for prompt in question["prompts"]])
            for question in attempt["questions"]]


# --- headless Chromium --------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", REPO / "test-output" / "screenshots"))
needs_chromium = pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                                    reason="Debian's chromium and chromium-driver are not installed "
                                           "(apt-get install -y chromium chromium-driver)")


def new_chromium(language: str = "zh", *, javascript: bool = True, width: int = 1280, height: int = 900):
    """A headless Chromium that asks for `language` first, with JavaScript on or off."""
    # Selenium Manager must stay offline: it would otherwise try to download a driver and send statistics.
    os.environ["SE_OFFLINE"] = "true"
    os.environ["SE_AVOID_STATS"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    accept = "zh-CN,zh" if language == "zh" else "en-GB,en"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--lang={accept.split(',')[0]}",
                     f"--window-size={width},{height}", "--disable-gpu", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    prefs: dict = {"intl.accept_languages": accept}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    return driver


@pytest.fixture(scope="module")
def chromium():
    """A factory for headless Chromium browsers, all quit when the test module ends."""
    started = []

    def make(language: str = "zh", *, javascript: bool = True, width: int = 1280, height: int = 900):
        driver = new_chromium(language, javascript=javascript, width=width, height=height)
        started.append(driver)
        return driver

    yield make
    for driver in started:
        driver.quit()


def save_screenshot(driver, page: str, language: str) -> Path:
    """Saves the whole page (the window stretched to the document's height) as `<page>-<language>.png`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{page}-{language}.png"
    size = driver.get_window_size()
    height = driver.execute_script(
        "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    driver.set_window_size(size["width"], min(max(int(height) + 120, size["height"]), 6000))
    try:
        assert driver.save_screenshot(str(path)), f"no screenshot of {page} ({language})"
    finally:
        driver.set_window_size(size["width"], size["height"])
    assert path.stat().st_size > 1000, f"screenshot {path} is empty"
    return path


def browser_path(driver) -> str:
    from urllib.parse import urlsplit

    return urlsplit(driver.current_url).path


def wait_for(driver, condition, timeout: float = 10, message: str = ""):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(condition, message)


def page_text(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "body").text


def browser_sign_in(driver, server: Server, login_name: str, password: str, language: str | None = None) -> None:
    """Chooses the language with the switch's link (when given), then signs in through the /login form."""
    from selenium.webdriver.common.by import By

    if language is not None:
        driver.get(server.url(f"/language/{language}?next=/login"))
    else:
        driver.get(server.url("/login"))
    wait_for(driver, lambda d: d.find_elements(By.NAME, "login"), message="no login field")
    driver.find_element(By.NAME, "login").send_keys(login_name)
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']").click()
    wait_for(driver, lambda d: browser_path(d) == "/", message=f"sign-in as {login_name} did not reach /")


def browser_sign_out(driver) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait_for(driver, lambda d: browser_path(d) == "/login", message="sign-out did not reach /login")


def http_language(server: Server, http: requests.Session, language: str) -> None:
    """Sets the language switch's cookie on a requests session."""
    response = http.get(server.url(f"/language/{language}?next=/login"), allow_redirects=False, timeout=10)
    assert response.status_code in (302, 303), f"GET /language/{language} -> {response.status_code}"


def study_until_complete_http(server: "ClockedServer", http: requests.Session, course: str, module: str,
                              *, step: float = 14 * 60, rounds: int = 10) -> str:
    """Studies a module without script: page load, clock forward, "record my study time", until it completes.
    Returns the module page after completion."""
    path = f"/courses/{course}/modules/{module}"
    page = http.get(server.url(path), timeout=10)
    assert page.status_code == 200, f"GET {path} -> {page.status_code}"
    for _ in range(rounds):
        if f'action="{path}/progress"' not in page.text:
            return page.text
        token = hidden_csrf(page.text, f"{path}/progress")
        server.advance(step)
        posted = http.post(server.url(f"{path}/progress"), data={"csrf_token": token}, allow_redirects=False, timeout=10)
        assert posted.status_code == 303, f"POST {path}/progress -> {posted.status_code}: {posted.text[:300]}"
        page = http.get(server.url(path), timeout=10)
    raise AssertionError(f"{path} did not complete after {rounds} rounds of {step:.0f} s")


def api_token(server: Server, login_name: str) -> str:
    """A Bearer token for `login_name` from `training-server tokens create` (its last line)."""
    done = server.cli("tokens", "create", "--login", login_name)
    return done.stdout.strip().splitlines()[-1].strip()


# --- quizzes over plain HTTP (what a browser without script sends) ---------------------------------


def start_attempt_http(server: Server, http: requests.Session, course: str, quiz: str) -> str:
    """Presses "start" on the quiz's start page; returns the new attempt's id."""
    start_path = f"/courses/{course}/quizzes/{quiz}"
    page = http.get(server.url(start_path), timeout=10)
    assert page.status_code == 200, f"GET {start_path} -> {page.status_code}"
    token = hidden_csrf(page.text, f"{start_path}/attempts")
    started = http.post(server.url(f"{start_path}/attempts"), data={"csrf_token": token},
                        allow_redirects=False, timeout=10)
    location = started.headers.get("Location", "")
    assert started.status_code == 303 and location.startswith("/attempts/"), (
        f"POST {start_path}/attempts -> {started.status_code} {location}")
    return location.split("/")[2].split("?")[0]


def answer_attempt_http(server: Server, http: requests.Session, attempt: str, authored: AuthoredQuiz, language: str,
                        *, right: bool, go: str = "finish") -> requests.Response:
    """Reads the attempt page, fills every question right (or wrong) and presses `go`; returns the 303."""
    page = http.get(server.url(f"/attempts/{attempt}"), timeout=10)
    assert page.status_code == 200, f"GET /attempts/{attempt} -> {page.status_code}"
    form = form_with_action(page.text, f"/attempts/{attempt}/save")
    fields: list[tuple[str, str]] = [(name, form["inputs"][name].get("value", ""))
                                     for name in ("csrf_token", "sequence", "form_key")]
    for question in paper_questions(page.text):
        fields += authored.answer(question, language, right=right).form_fields()
    fields.append(("go", go))
    saved = http.post(server.url(f"/attempts/{attempt}/save"), data=fields, allow_redirects=False, timeout=10)
    assert saved.status_code == 303, f"POST /attempts/{attempt}/save -> {saved.status_code}: {saved.text[:300]}"
    return saved


def submit_attempt_http(server: Server, http: requests.Session, attempt: str) -> requests.Response:
    """Submits from the check-your-answers page; returns the result page."""
    summary = http.get(server.url(f"/attempts/{attempt}/summary"), timeout=10)
    assert summary.status_code == 200, f"GET /attempts/{attempt}/summary -> {summary.status_code}"
    form = form_with_action(summary.text, f"/attempts/{attempt}/submit")
    data = {name: form["inputs"][name].get("value", "") for name in ("csrf_token", "form_key")}
    submitted = http.post(server.url(f"/attempts/{attempt}/submit"), data=data, allow_redirects=False, timeout=10)
    assert submitted.status_code == 303, f"POST /attempts/{attempt}/submit -> {submitted.status_code}"
    result = http.get(server.url(submitted.headers["Location"]), timeout=10)
    assert result.status_code == 200, f"GET {submitted.headers['Location']} -> {result.status_code}"
    return result


# --- the interface's own words -----------------------------------------------------------------------

LOCALIZATION = REPO / "Sources" / "TrainingServer" / "Resources" / "Localization"
_strings: dict[str, dict[str, str]] = {}


def ui_text(language: str, key: str, **arguments: object) -> str:
    """The interface string `key` in `language`, with `{name}` placeholders filled, as the pages show it."""
    import json

    if language not in _strings:
        _strings[language] = json.loads((LOCALIZATION / f"{language}.json").read_text(encoding="utf-8"))
    text = _strings[language][key]
    for name, value in arguments.items():
        text = text.replace("{" + name + "}", str(value))
    return text


def wait_for_navigation(driver, act, predicate=lambda path: True, message: str = "", timeout: float = 10) -> None:
    """Does `act` (a click or a key press) and waits until a new page whose path satisfies `predicate` has loaded;
    on timeout, fails with where the browser is and what it shows."""
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
    from selenium.webdriver.common.by import By

    old = driver.find_element(By.TAG_NAME, "html")
    act()

    def arrived(d) -> bool:
        try:
            old.tag_name
            return False
        except StaleElementReferenceException:
            pass
        except WebDriverException as error:
            # While a page is being replaced, Chromium may answer for the old node with an inspector error
            # ("Node with given id does not belong to the document") instead of a stale-element error: the old page
            # is gone all the same. Any other transient error means "not yet"; the wait polls again.
            if "does not belong to the document" not in str(error):
                return False
        try:
            return predicate(browser_path(d)) and d.execute_script("return document.readyState") == "complete"
        except WebDriverException:
            return False

    try:
        wait_for(driver, arrived, timeout)
    except TimeoutException:
        pytest.fail(f"{message or 'no new page'}; the browser is at {driver.current_url}:\n{page_text(driver)[:1500]}")


def fill_question_in_browser(driver, answer: PresentedAnswer) -> None:
    """Answers one question with the mouse and keyboard as a person would (labels, boxes, lists, typing)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    number = answer.number
    if answer.kind in ("single", "multiple"):
        for choice in answer.choices:
            box = driver.find_element(By.ID, f"q{number}-{choice}")
            if not box.is_selected():
                driver.find_element(By.CSS_SELECTOR, f"label[for='q{number}-{choice}']").click()
            assert box.is_selected(), f"question {number}: option {choice} did not get ticked by its label"
    elif answer.kind == "truefalse":
        driver.find_element(By.CSS_SELECTOR, f"label[for='q{number}-{'true' if answer.bool else 'false'}']").click()
    elif answer.kind in ("short", "numeric"):
        box = driver.find_element(By.ID, f"q{number}-text")
        box.clear()
        box.send_keys(answer.text)
    else:
        for prompt, chosen in answer.matches.items():
            Select(driver.find_element(By.ID, f"q{number}-{prompt}")).select_by_value(chosen)


# --- the API's description ---------------------------------------------------------------------------

OPENAPI = REPO / "docs" / "openapi.yaml"


class OpenAPIDescription:
    """docs/openapi.yaml, checking real responses against the status codes and JSON schemas it documents."""

    BASE = "urn:csa:openapi"

    def __init__(self, path: Path = OPENAPI) -> None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self.spec = read_yaml(path.read_text(encoding="utf-8"))
        assert str(self.spec.get("openapi", "")).startswith("3.1"), "the API description is not OpenAPI 3.1"
        resource = Resource.from_contents(self.spec, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(self.BASE, resource)

    @staticmethod
    def _escape(part: str) -> str:
        return part.replace("~", "~0").replace("/", "~1")

    def check(self, response: requests.Response, template: str, method: str = "get"):
        """Fails unless the response's status is documented for the operation and, when JSON is documented, its
        body validates against the schema; returns the parsed body (or None)."""
        from openapi_schema_validator import OAS31Validator

        method = method.lower()
        operation = self.spec["paths"][template][method]
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{method.upper()} {template} answered {status}, which docs/openapi.yaml does not document: "
            f"{response.text[:300]}")
        pointer = f"/paths/{self._escape(template)}/{method}/responses/{status}"
        documented = operation["responses"][status]
        if "$ref" in documented:
            pointer = documented["$ref"].lstrip("#")
            documented = self.spec
            for part in pointer.strip("/").split("/"):
                documented = documented[part.replace("~1", "/").replace("~0", "~")]
        content = documented.get("content", {})
        if "application/json" not in content:
            return None
        assert response.headers.get("Content-Type", "").startswith("application/json"), (
            f"{method.upper()} {template} {status}: Content-Type {response.headers.get('Content-Type')}")
        body = response.json()
        schema = {"$ref": f"{self.BASE}#{pointer}/content/{self._escape('application/json')}/schema"}
        validator = OAS31Validator(schema, registry=self.registry)
        errors = sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))
        assert not errors, (f"{method.upper()} {template} {status} does not match docs/openapi.yaml:\n" +
                            "\n".join(f"- at {list(error.absolute_path)}: {error.message[:300]}" for error in errors[:10]))
        return body


@pytest.fixture(scope="session")
def openapi() -> OpenAPIDescription:
    return OpenAPIDescription()


def bearer(token: str) -> requests.Session:
    """A client that authenticates with `Authorization: Bearer <token>` and sends no cookies."""
    http = client()
    http.headers["Authorization"] = f"Bearer {token}"
    return http
