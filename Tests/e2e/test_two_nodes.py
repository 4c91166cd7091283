"""Two server nodes on one PostgreSQL database behind nginx, as a province runs them: PostgreSQL 15 from Debian (the
cluster scripts/postgres.sh starts; each test gets a database of its own), nginx from Debian balancing round-robin
between the nodes, aiosmtpd as the mail server.

- A person signs in through node A, takes the timed final exam with the answers saved alternately through A and B,
  submits through B, and sees one result, on either node and through nginx.
- Node A is killed with SIGKILL in the middle of an attempt; through B the attempt goes on with every saved answer
  there, and is submitted.
- With both nodes running their notice passes and mail senders, a reminder reaches the mail server exactly once.
- Signing out through one node ends the session on the other.
- Wrong passwords counted on both nodes lock the account on both.
- Course files deployed to both nodes and reloaded with the button on one are reloaded by the other.
"""

from __future__ import annotations

import html.parser
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import pytest
import requests

from conftest import (BINARY, COURSES, STRONG_PASSWORD, AuthoredQuiz, Server, attempt_login, book,  # noqa: F401
                      form_with_action, free_port, hidden_csrf, login, paper_questions, stop_and_check,
                      submit_attempt_http, ui_text)
from test_mail import SmtpSink, certificates, mail_options  # noqa: F401  (module fixture)

POSTGRES_URL = os.environ.get("SE_POSTGRES_URL")
PASSWORD_FILE = os.environ.get("SE_POSTGRES_PASSWORD_FILE")
REQUIRED = os.environ.get("SE_REQUIRE_POSTGRES") == "true"
ZONE = ZoneInfo("Asia/Shanghai")
DEPARTMENT = "测试省/数据局"
COURSE, QUIZ = "info-literacy", "final-exam"

if not POSTGRES_URL or not PASSWORD_FILE:
    if REQUIRED:
        raise RuntimeError("SE_REQUIRE_POSTGRES=true but SE_POSTGRES_URL/SE_POSTGRES_PASSWORD_FILE are not set "
                           "(run `eval \"$(scripts/postgres.sh)\"` first)")
    pytest.skip("no PostgreSQL cluster configured (SE_POSTGRES_URL)", allow_module_level=True)


# --- PostgreSQL: a database of the test's own --------------------------------------------------------------------


@dataclass
class Database:
    name: str
    url: str

    @property
    def port(self) -> int:
        return urlsplit(self.url).port or 5432

    def psql(self, statement: str) -> list[list[str]]:
        """Runs `statement` as the cluster's superuser (the suite runs as root) and returns the rows, fields split."""
        done = subprocess.run(["su", "postgres", "-s", "/bin/sh", "-c",
                               f"psql -X -q -A -t -F '\t' -v ON_ERROR_STOP=1 -p {self.port} -d {self.name}"],
                              input=statement, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, f"psql failed: {done.stderr}"
        return [line.split("\t") for line in done.stdout.splitlines() if line]


def create_database(name: str) -> Database:
    parts = urlsplit(POSTGRES_URL)
    owner = parts.username
    admin = Database("postgres", POSTGRES_URL)
    admin.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE); CREATE DATABASE "{name}" OWNER "{owner}";')
    return Database(name, urlunsplit(parts._replace(path=f"/{name}")))


def drop_database(database: Database) -> None:
    Database("postgres", POSTGRES_URL).psql(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE);')


# --- the nodes and the balancer ----------------------------------------------------------------------------------


class Node(Server):
    """A `training-server serve` on the shared PostgreSQL database; its folder keeps this node's own files."""

    def __init__(self, directory: Path, database: Database, extra: tuple[str, ...] = ()) -> None:
        super().__init__(directory, demo=False,
                         extra=("--database", database.url, "--database-password-file", PASSWORD_FILE, *extra))
        self.database = database

    def cli(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(BINARY), *args, "--database", self.database.url, "--database-password-file", PASSWORD_FILE,
                   "--db", str(self.db)]
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(command)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done


@dataclass
class Balancer:
    """nginx from Debian in the foreground, round-robin over the nodes' ports."""

    directory: Path
    ports: list[int]
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> "Balancer":
        self.port = free_port()
        self.directory.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=30s;" for port in self.ports)
        config = self.directory / "nginx.conf"
        config.write_text(f"""
daemon off;
master_process off;
worker_processes 1;
pid {self.directory}/nginx.pid;
error_log {self.directory}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {self.directory}/access.log;
    client_body_temp_path {self.directory}/body;
    proxy_temp_path {self.directory}/proxy;
    fastcgi_temp_path {self.directory}/fastcgi;
    uwsgi_temp_path {self.directory}/uwsgi;
    scgi_temp_path {self.directory}/scgi;
    upstream academy {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
            proxy_pass http://academy;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_next_upstream error timeout;
        }}
    }}
}}
""", encoding="utf-8")
        self.process = subprocess.Popen(["nginx", "-c", str(config), "-p", str(self.directory)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return self
            except requests.ConnectionError:
                assert self.process.poll() is None, f"nginx exited: {self.process.stderr.read()}"
                time.sleep(0.1)
        raise AssertionError("nginx did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def upstreams(self) -> list[str]:
        return re.findall(r"upstream=(\S+)", (self.directory / "access.log").read_text(encoding="utf-8"))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(10)


def copy_node_files(a: Node, directory: Path) -> Path:
    """A folder for node B holding node A's keys, as docs/operations.md asks: every node signs and seals with the
    same keys (the issuer key, the second-factor key, the audit key)."""
    directory.mkdir(parents=True)
    for key in ("audit-key.pem", "issuer-key.pem", "second-factor.key"):
        if (a.directory / key).exists():
            (directory / key).write_bytes((a.directory / key).read_bytes())
            (directory / key).chmod(0o600)
    return directory


@pytest.fixture
def cluster(tmp_path: Path, request):
    """Two nodes on a fresh database (node A migrates it and its folder's keys are copied to B) and nginx."""
    database = create_database(f"nodes_{os.getpid()}_{abs(hash(request.node.name)) % 100_000}")
    extra = getattr(request, "param", ())
    a = Node(tmp_path / "node-a", database, extra).start()
    b = Node(copy_node_files(a, tmp_path / "node-b"), database, extra).start()
    balancer = Balancer(tmp_path / "nginx", [a.port, b.port]).start()
    a.cli("departments", "add", DEPARTMENT)
    yield a, b, balancer, database
    balancer.stop()
    for node in (a, b):
        if node.process is not None and node.process.poll() is None:
            stop_and_check(node)
    drop_database(database)


# --- the timed exam, one save at a time ----------------------------------------------------------------------------


def start_exam(node: Server, http: requests.Session) -> str:
    path = f"/courses/{COURSE}/quizzes/{QUIZ}"
    page = http.get(node.url(path), timeout=30)
    assert page.status_code == 200, page.status_code
    token = form_with_action(page.text, f"{path}/attempts")["inputs"]["csrf_token"]["value"]
    started = http.post(node.url(f"{path}/attempts"), data={"csrf_token": token}, allow_redirects=False, timeout=30)
    assert started.status_code == 303 and started.headers["Location"].startswith("/attempts/"), started.status_code
    return started.headers["Location"].split("/")[2].split("?")[0]


def save_first(node: Server, http: requests.Session, attempt: str, authored: AuthoredQuiz, count: int) -> list:
    """Reads the attempt through `node`, answers its first `count` questions right (the rest as the page holds them)
    and saves; returns the questions as the page showed them."""
    page = http.get(node.url(f"/attempts/{attempt}"), timeout=30)
    assert page.status_code == 200, page.status_code
    form = form_with_action(page.text, f"/attempts/{attempt}/save")
    fields = [(name, form["inputs"][name].get("value", "")) for name in ("csrf_token", "sequence", "form_key")]
    questions = paper_questions(page.text)
    for question in questions[:count]:
        fields += authored.answer(question, "zh", right=True).form_fields()
    fields.append(("go", "save"))
    saved = http.post(node.url(f"/attempts/{attempt}/save"), data=fields, allow_redirects=False, timeout=30)
    assert saved.status_code == 303, (saved.status_code, saved.text[:500])
    return questions


class AnsweredParser(html.parser.HTMLParser):
    """The question numbers a quiz page shows with an answer: a checked option, a chosen match or a filled field."""

    def __init__(self) -> None:
        super().__init__()
        self.numbers: set[int] = set()
        self._select: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        found = re.fullmatch(r"answer-(\d+)(?:-.+)?", attributes.get("name") or "")
        if tag == "select":
            self._select = int(found.group(1)) if found else None
        elif tag == "option" and self._select is not None and "selected" in attributes and attributes.get("value"):
            self.numbers.add(self._select)
        elif tag == "input" and found:
            kind = attributes.get("type", "text")
            if (kind in ("radio", "checkbox") and "checked" in attributes) or (
                    kind in ("text", "number") and attributes.get("value")):
                self.numbers.add(int(found.group(1)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def answered_count(node: Server, http: requests.Session, attempt: str) -> int:
    """How many questions the attempt page, read through `node`, shows with an answer."""
    page = http.get(node.url(f"/attempts/{attempt}"), timeout=30)
    assert page.status_code == 200, page.status_code
    parser = AnsweredParser()
    parser.feed(page.text)
    return len(parser.numbers)


def passed(page: str) -> bool:
    return ui_text("zh", "result.passed") in page or ui_text("en", "result.passed") in page


def learner(node: Node, name: str) -> tuple[str, str]:
    node.cli("users", "add", "--login", name, "--name", "学员", "--department", DEPARTMENT, "--password-stdin",
             stdin=STRONG_PASSWORD + "\n")
    return name, STRONG_PASSWORD


def test_an_exam_alternating_between_nodes_is_one_attempt_with_one_result(cluster, book):
    a, b, balancer, database = cluster
    authored = book.quiz(COURSE, QUIZ)
    name, password = learner(a, "nodes.alternate")
    http = login(a, name, password)
    assert http.get(b.url("/"), allow_redirects=False, timeout=30).status_code == 200, "B knows A's session"

    attempt = start_exam(a, http)
    total = len(paper_questions(http.get(a.url(f"/attempts/{attempt}"), timeout=30).text))
    assert total >= 10
    for count in range(1, total + 1):
        save_first(a if count % 2 else b, http, attempt, authored, count)
    assert answered_count(a, http, attempt) == total and answered_count(b, http, attempt) == total

    result = submit_attempt_http(b, http, attempt)
    assert passed(result.text), result.text[:800]
    rows = database.psql("SELECT count(*), count(closed_at) FROM quiz_attempts")
    assert rows == [["1", "1"]], rows
    # The same result on A and through nginx.
    for url in (a.url(f"/attempts/{attempt}/result"), balancer.url(f"/attempts/{attempt}/result")):
        page = http.get(url, timeout=30)
        assert page.status_code == 200 and passed(page.text)


def test_a_node_killed_mid_attempt_loses_nothing(cluster, book):
    a, b, balancer, database = cluster
    authored = book.quiz(COURSE, QUIZ)
    name, password = learner(a, "nodes.killed")
    http = login(a, name, password)
    attempt = start_exam(a, http)
    half = len(save_first(a, http, attempt, authored, 0)) // 2
    save_first(a, http, attempt, authored, half)

    a.process.send_signal(signal.SIGKILL)
    a.process.wait(10)
    # Through nginx, the next request goes to B (A refuses connections); every answer saved through A is there.
    assert answered_count(b, http, attempt) == half
    page = http.get(balancer.url(f"/attempts/{attempt}"), timeout=30)
    assert page.status_code == 200
    total = len(paper_questions(page.text))
    save_first(b, http, attempt, authored, total)
    result = submit_attempt_http(b, http, attempt)
    assert passed(result.text), result.text[:800]
    assert database.psql("SELECT count(*), count(closed_at) FROM quiz_attempts") == [["1", "1"]]


@pytest.fixture(scope="module")
def sink(certificates):
    running = SmtpSink(certificates).start()
    yield running
    running.stop()


def test_a_reminder_is_mailed_once_with_both_nodes_sending(tmp_path: Path, sink, certificates):
    database = create_database(f"nodes_mail_{os.getpid()}")
    extra = (*mail_options(tmp_path / "mail", certificates, sink.port), "--notice-pass-seconds", "1")
    a = Node(tmp_path / "node-a", database, extra).start()
    b = Node(copy_node_files(a, tmp_path / "node-b"), database, extra).start()
    try:
        a.cli("departments", "add", DEPARTMENT)
        learner(a, "nodes.mail")
        a.cli("users", "set-email", "--login", "nodes.mail", "--email", "nodes.mail@example.gov")
        due = (datetime.now(ZONE).date() + timedelta(days=3)).isoformat()
        now = time.time()
        database.psql(f"""
            INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, due_kind, due_day,
                                     created_at)
            SELECT '两节点提醒', 'program', 'two-nodes', 1, 'department', id, 'fixed', '{due}', {now}
            FROM departments WHERE name = '数据局';
            INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day)
            SELECT (SELECT max(id) FROM assignments), id, {now}, '{due}' FROM users WHERE login = 'nodes.mail';""")
        # Assigned and due soon: two messages, each once, whichever node's pass and sender took them.
        sink.wait_for(2, timeout=60)
        time.sleep(4)  # several more passes and send rounds on both nodes
        subjects = sorted(str(received.message["Subject"]) for received in sink.received
                          if received.recipients == ["nodes.mail@example.gov"])
        assert subjects == ["【培训提醒】即将到期：两节点提醒 / [Training] Due soon: 两节点提醒",
                            "【培训提醒】新的培训任务：两节点提醒 / [Training] Training assigned: 两节点提醒"], subjects
        assert database.psql("SELECT count(*) FROM mail_outbox WHERE state <> 'sent'") == [["0"]]
    finally:
        for node in (a, b):
            stop_and_check(node)
        drop_database(database)


def test_signing_out_on_one_node_ends_the_session_on_the_other(cluster):
    a, b, _, _ = cluster
    name, password = learner(a, "nodes.signout")
    http = login(a, name, password)
    assert http.get(b.url("/"), allow_redirects=False, timeout=30).status_code == 200
    page = http.get(a.url("/"), timeout=30).text
    token = form_with_action(page, "/logout")["inputs"]["csrf_token"]["value"]
    assert http.post(a.url("/logout"), data={"csrf_token": token}, allow_redirects=False,
                     timeout=30).status_code == 303
    time.sleep(0.1)
    assert http.get(b.url("/"), allow_redirects=False, timeout=30).status_code in (302, 303)


def test_a_catalogue_reloaded_on_one_node_is_reloaded_on_the_other(tmp_path: Path):
    database = create_database(f"nodes_catalogue_{os.getpid()}")
    folders = [tmp_path / "courses-a", tmp_path / "courses-b"]
    for folder in folders:
        shutil.copytree(COURSES, folder)
    a = Node(tmp_path / "node-a", database, ("--courses", str(folders[0]), "--catalogue-follow-seconds", "0.5")).start()
    b = Node(copy_node_files(a, tmp_path / "node-b"), database,
             ("--courses", str(folders[1]), "--catalogue-follow-seconds", "0.5")).start()
    try:
        a.cli("departments", "add", DEPARTMENT)
        a.cli("users", "add", "--login", "nodes.trainer", "--name", "培训师", "--department", DEPARTMENT,
              "--role", "trainer", "--password-stdin", stdin=STRONG_PASSWORD + "\n")
        english = {"Accept-Language": "en"}
        # The new version is deployed to both nodes' folders; nothing changes until someone reloads.
        for folder in folders:
            manifest = folder / "service-ethics" / "course.yaml"
            manifest.write_text(manifest.read_text(encoding="utf-8").replace("Service ethics", "Service ethics (2027)", 1),
                                encoding="utf-8")
        time.sleep(1.5)
        trainer_a = login(a, "nodes.trainer", STRONG_PASSWORD)
        assert "Service ethics (2027)" not in trainer_a.get(b.url("/courses/service-ethics"), headers=english,
                                                            timeout=30).text
        token = hidden_csrf(trainer_a.get(a.url("/trainer"), timeout=30).text, "/trainer/reload")
        done = trainer_a.post(a.url("/trainer/reload"), data={"csrf_token": token}, allow_redirects=False, timeout=30)
        assert done.status_code == 303 and done.headers["Location"].endswith("notice=reloaded")

        deadline = time.monotonic() + 15
        while "after another server's reload" not in b.log and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "catalogue reloaded after another server's reload: 0 added, 1 changed" in b.log, b.log[-2000:]
        assert "Service ethics (2027)" in trainer_a.get(b.url("/courses/service-ethics"), headers=english, timeout=30).text
        trainer_page = trainer_a.get(b.url("/trainer"), headers=english, timeout=30).text
        assert "reloaded after another server of the platform reloaded its course files" in trainer_page
        # A reloaded only once: B's reload signalled nothing back.
        time.sleep(1.5)
        assert "after another server's reload" not in a.log
        assert a.log.count("catalogue reloaded") == 1
    finally:
        for node in (a, b):
            stop_and_check(node)
        drop_database(database)


def test_the_system_page_shows_the_postgresql_database_backs_it_up_and_checks_it(tmp_path: Path):
    database = create_database(f"nodes_system_{os.getpid()}")
    backups = tmp_path / "backups"
    backups.mkdir()
    node = Node(tmp_path / "node", database, ("--backup-dir", str(backups))).start()
    try:
        node.cli("departments", "add", DEPARTMENT)
        # An administrator of the whole organisation (the tree's root): the system page is theirs.
        node.cli("users", "add", "--login", "nodes.admin", "--name", "管理员", "--department", DEPARTMENT.split("/")[0],
                 "--role", "admin", "--password-stdin", stdin=STRONG_PASSWORD + "\n")
        http = login(node, "nodes.admin", STRONG_PASSWORD)
        english = {"Accept-Language": "en"}
        page = http.get(node.url("/admin/system"), headers=english, timeout=30).text
        assert "PostgreSQL database" in page and f"/{database.name}</code>" in page, page
        assert "Write-ahead log" not in page and "Database file" not in page
        assert Path(PASSWORD_FILE).read_text().splitlines()[0] not in page
        assert re.search(r"<dd>\d+(\.\d+)? (KB|MB)</dd>", page), "the tables' size"

        for action, done in (("/admin/system/backup", "backed_up"), ("/admin/system/check", "checked")):
            token = hidden_csrf(http.get(node.url("/admin/system"), timeout=30).text, action)
            answer = http.post(node.url(action), data={"csrf_token": token}, allow_redirects=False, timeout=120)
            assert answer.status_code == 303 and answer.headers["Location"] == f"/admin/system?done={done}", answer.text
        [dump] = list(backups.glob("*.dump"))
        shown = http.get(node.url("/admin/system"), headers=english, timeout=30).text
        assert dump.name in shown, "the last backup is the pg_dump archive"
        assert database.psql("SELECT details FROM audit_log WHERE action = 'database.check'") == [['{"result":"ok"}']]
    finally:
        stop_and_check(node)
        drop_database(database)


def test_wrong_passwords_through_both_nodes_count_together(cluster):
    a, b, _, database = cluster
    name, password = learner(a, "nodes.guessed")
    # Five wrong passwords, alternating between the nodes: the account is held on both, even for the right one.
    for attempt in range(5):
        node = a if attempt % 2 == 0 else b
        assert attempt_login(node, name, "not-the-password").response.status_code == 401
    for node in (a, b):
        held = attempt_login(node, name, password).response
        assert held.status_code == 429 and int(held.headers["Retry-After"]) > 0
    assert int(database.psql("SELECT count(*) FROM login_failures")[0][0]) >= 5
