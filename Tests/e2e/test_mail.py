"""Mail delivery through a real SMTP server: aiosmtpd, started by the test on a free loopback port, requiring
STARTTLS (with a test CA the server is told to trust) and AUTH LOGIN or PLAIN. The platform writes messages to its
outbox and a background sender delivers them: delivered once with proper headers (RFC 2047 subject, Date,
Message-ID, UTF-8 body), a wrong password recorded and retried until given up, a server that is down delivered to
later, exactly once. `mail test` sends a message at once; the options are checked before anything starts."""

from __future__ import annotations

import email
import email.header
import email.policy
import re
import sqlite3
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from admin_org import AdminOrg, build_admin_org
from conftest import BINARY, STRONG_PASSWORD, free_port, run_cli, signed_in_csrf, stop_and_check

MAIL_USER = "mailer"
MAIL_PASSWORD = "mail-password-1"
MAIL_FROM = "academy@example.gov"


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    login: str | None
    content: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


@dataclass
class SmtpSink:
    """An aiosmtpd server on 127.0.0.1:`port` (STARTTLS required, then AUTH with mailer/mail-password-1)."""

    certificates: "MailCertificates"
    port: int = field(default_factory=free_port)
    exclude: tuple[str, ...] = ()
    received: list[Received] = field(default_factory=list)
    _controller: object | None = None

    def start(self) -> "SmtpSink":
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                auth = session.auth_data
                login = auth.login.decode() if isinstance(auth, LoginPassword) else None
                sink.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), login,
                                              envelope.original_content or envelope.content))
                return "250 OK"

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
                MAIL_USER.encode(), MAIL_PASSWORD.encode())
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(self.certificates.server_cert, self.certificates.server_key)
        controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=tls, require_starttls=True,
                                authenticator=authenticator, auth_required=True, auth_exclude_mechanism=list(self.exclude),
                                enable_SMTPUTF8=True, ready_timeout=10)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 20) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(self.received) >= count, f"{len(self.received)} of {count} messages arrived within {timeout} s"
        return self.received


@dataclass
class MailCertificates:
    """A throwaway CA and a server certificate for 127.0.0.1 and localhost."""

    directory: Path

    @property
    def ca(self) -> Path:
        return self.directory / "ca.crt"

    @property
    def server_cert(self) -> Path:
        return self.directory / "server.crt"

    @property
    def server_key(self) -> Path:
        return self.directory / "server.key"

    def make(self) -> "MailCertificates":
        d = self.directory
        d.mkdir(parents=True, exist_ok=True)

        def run(*args: str) -> None:
            subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test Mail CA",
            "-keyout", "ca.key", "-out", "ca.crt", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key", "-out", "server.csr")
        (d / "ext.cnf").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
        run("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
            "-extfile", "ext.cnf", "-out", "server.crt")
        return self


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> MailCertificates:
    return MailCertificates(tmp_path_factory.mktemp("mail-certs")).make()


def mail_options(directory: Path, certificates: MailCertificates, port: int, *, password: str = MAIL_PASSWORD,
                 retry_seconds: int = 1, attempts: int = 8) -> tuple[str, ...]:
    directory.mkdir(parents=True, exist_ok=True)
    password_file = directory / "smtp-password"
    password_file.write_text(password + "\n")
    password_file.chmod(0o600)
    return ("--smtp-url", f"smtp://127.0.0.1:{port}", "--smtp-user", MAIL_USER,
            "--smtp-password-file", str(password_file), "--smtp-ca-file", str(certificates.ca),
            "--mail-from", MAIL_FROM, "--mail-retry-seconds", str(retry_seconds), "--mail-attempts", str(attempts))


def outbox(db: Path) -> list[dict]:
    connection = sqlite3.connect(db)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute("SELECT * FROM mail_outbox ORDER BY id")]
    finally:
        connection.close()


def wait_outbox(db: Path, predicate, timeout: float = 20) -> list[dict]:
    deadline = time.monotonic() + timeout
    rows = outbox(db)
    while not predicate(rows) and time.monotonic() < deadline:
        time.sleep(0.1)
        rows = outbox(db)
    assert predicate(rows), f"the outbox never reached the expected state: {rows}"
    return rows


def admin_reset_link(org: AdminOrg, login_name: str, admin: str = "admin.a") -> requests.Response:
    """An administrator makes a reset link for `login_name` (the form's POST, as the person's admin page sends it)."""
    http = org.session(admin)
    csrf = signed_in_csrf(org.server, http, "/profile")
    return http.post(org.server.url(f"/admin/people/{org.user_id(login_name)}/password-reset"),
                     data={"csrf_token": csrf}, allow_redirects=False, timeout=30)


LINK = re.compile(r"https?://[^\s\"<]+/password/reset/[A-Za-z0-9_-]{43}")


def metric(org: AdminOrg, name: str) -> float:
    text = requests.get(org.server.url("/metrics"), timeout=30).text
    found = re.search(rf"^{name} (\S+)$", text, re.M)
    assert found, f"{name} missing from /metrics"
    return float(found.group(1))


@pytest.mark.parametrize("mechanism", ["LOGIN", "PLAIN"])
def test_a_reset_link_is_mailed_once_with_proper_headers(tmp_path, certificates, mechanism):
    other = "PLAIN" if mechanism == "LOGIN" else "LOGIN"
    sink = SmtpSink(certificates, exclude=(other,)).start()
    try:
        org = build_admin_org(tmp_path / "org", extra=mail_options(tmp_path / "mail", certificates, sink.port))
        try:
            org.server.cli("users", "set-email", "--login", "learner.a1", "--email", "li.xue@example.gov")
            answer = admin_reset_link(org, "learner.a1")
            assert answer.status_code == 200
            assert "li.xue@example.gov" in answer.text
            shown = LINK.search(answer.text).group(0)
            received = sink.wait_for(1)[0]
            assert received.login == MAIL_USER
            assert received.mail_from == MAIL_FROM and received.recipients == ["li.xue@example.gov"]
            message = received.message
            # The subject is RFC 2047 encoded on the wire and decodes to both languages (no language chosen).
            assert b"Subject: =?UTF-8?B?" in received.content
            assert str(message["Subject"]) == "重置您的密码 / Set a new password"
            assert message["Date"] and message["Message-ID"].endswith("@example.gov>")
            assert message["From"] == MAIL_FROM and message["To"] == "li.xue@example.gov"
            body = message.get_content()
            assert "学员李" in body and "Dear 学员李" in body
            assert LINK.search(body).group(0) == shown
            rows = wait_outbox(org.server.db, lambda rows: rows and rows[0]["state"] == "sent")
            assert rows[0]["attempts"] == 1 and rows[0]["body"] == "", "a sent link is erased from the outbox"
            assert metric(org, "mail_sent_total") == 1
            time.sleep(2.5)
            assert len(sink.received) == 1, "the message was sent again"
            assert shown.split("/password/reset/")[1] not in org.server.log
        finally:
            stop_and_check(org.server)
    finally:
        sink.stop()


def test_a_wrong_password_is_recorded_retried_and_given_up(tmp_path, certificates):
    sink = SmtpSink(certificates).start()
    try:
        options = mail_options(tmp_path / "mail", certificates, sink.port, password="not-the-password", attempts=3)
        org = build_admin_org(tmp_path / "org", extra=options)
        try:
            org.server.cli("users", "set-email", "--login", "learner.a2", "--email", "wang@example.gov")
            assert admin_reset_link(org, "learner.a2").status_code == 200
            rows = wait_outbox(org.server.db, lambda rows: rows and rows[0]["state"] == "failed", timeout=30)
            assert rows[0]["attempts"] == 3
            assert "535" in rows[0]["last_error"], rows[0]["last_error"]
            assert rows[0]["body"] == "", "a given-up link is erased from the outbox"
            assert sink.received == []
            assert org.server.log.count("mail attempt failed") == 2
            assert "mail given up" in org.server.log
            assert metric(org, "mail_attempts_failed_total") == 3
            assert metric(org, "mail_given_up_total") == 1
        finally:
            stop_and_check(org.server)
    finally:
        sink.stop()


def test_a_server_that_is_down_gets_the_message_later_once(tmp_path, certificates):
    port = free_port()
    org = build_admin_org(tmp_path / "org", extra=mail_options(tmp_path / "mail", certificates, port, attempts=20))
    sink = SmtpSink(certificates, port=port)
    try:
        org.server.cli("users", "set-email", "--login", "learner.a1", "--email", "li.xue@example.gov")
        assert admin_reset_link(org, "learner.a1").status_code == 200
        rows = wait_outbox(org.server.db, lambda rows: rows and rows[0]["last_error"])
        assert rows[0]["state"] in ("pending", "sending")
        sink.start()
        sink.wait_for(1, timeout=30)
        wait_outbox(org.server.db, lambda rows: rows[0]["state"] == "sent")
        time.sleep(2.5)
        assert len(sink.received) == 1
        assert metric(org, "mail_sent_total") == 1
    finally:
        sink.stop()
        stop_and_check(org.server)


def mail_test(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BINARY), "mail", "test", *args], capture_output=True, text=True, timeout=120)


def test_mail_test_command_sends_at_once_and_options_are_checked(tmp_path, certificates):
    sink = SmtpSink(certificates).start()
    try:
        result = mail_test("--to", "ops@example.gov", *mail_options(tmp_path / "mail", certificates, sink.port))
        assert result.returncode == 0, result.stderr
        assert "accepted" in result.stdout
        received = sink.wait_for(1)[0]
        assert received.recipients == ["ops@example.gov"]
        assert str(received.message["Subject"]) == "测试邮件 / Test message"
        assert [part.get_content_type() for part in received.message.iter_parts()] == ["text/plain", "text/html"]
    finally:
        sink.stop()
    refused = mail_test("--to", "ops@example.gov", "--smtp-url", "smtp://127.0.0.1:1")
    assert refused.returncode != 0 and "--mail-from" in refused.stderr
    refused = mail_test("--to", "ops@example.gov", "--smtp-url", "http://127.0.0.1:1", "--mail-from", MAIL_FROM)
    assert refused.returncode != 0 and "smtp://" in refused.stderr
    refused = mail_test("--to", "ops@example.gov", "--smtp-url", f"smtp://127.0.0.1:{free_port()}", "--mail-from", MAIL_FROM)
    assert refused.returncode != 0 and "not accepted" in refused.stderr
    # A server that does not offer STARTTLS gets nothing, not even the password.
    plain = socket_server_without_starttls()
    refused = mail_test("--to", "ops@example.gov", "--smtp-url", f"smtp://127.0.0.1:{plain.port}", "--mail-from", MAIL_FROM,
                        "--smtp-user", MAIL_USER, "--smtp-password-file", str(tmp_path / "mail" / "smtp-password"))
    plain.stop()
    assert refused.returncode != 0 and "not accepted" in refused.stderr
    assert MAIL_PASSWORD.encode() not in b"".join(plain.received_bytes)
    assert not any(b"AUTH" in line for line in plain.received_bytes)


@dataclass
class PlainSmtp:
    port: int
    controller: object
    received_bytes: list[bytes]

    def stop(self) -> None:
        self.controller.stop()


def socket_server_without_starttls() -> PlainSmtp:
    """An aiosmtpd server without TLS that records every command line it is sent."""
    from aiosmtpd.controller import Controller

    lines: list[bytes] = []

    class Handler:
        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            lines.append(b"EHLO " + hostname.encode())
            session.host_name = hostname
            return responses

        async def handle_AUTH(self, server, session, envelope, args):
            lines.append(b"AUTH " + " ".join(args).encode())
            return "535 no"

        async def handle_MAIL(self, server, session, envelope, address, options):
            lines.append(b"MAIL " + address.encode())
            envelope.mail_from = address
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port, auth_require_tls=False)
    controller.start()
    return PlainSmtp(port, controller, lines)


def test_addresses_are_checked_when_set(tmp_path):
    db = tmp_path / "db.sqlite"
    run_cli(db, "users", "add", "--login", "zhang", "--name", "张伟", "--department", "省政府/数据局", "--password-stdin",
            stdin=STRONG_PASSWORD + "\n")
    for bad in ("not an address", "a@b", "<x@example.gov>", "x@example.gov\nBcc: y@example.gov"):
        refused = run_cli(db, "users", "set-email", "--login", "zhang", "--email", bad, check=False)
        assert refused.returncode != 0 and "not an e-mail address" in refused.stderr
    assert "set to zhang@example.gov" in run_cli(db, "users", "set-email", "--login", "zhang", "--email",
                                                 " zhang@example.gov ").stdout
    assert "removed" in run_cli(db, "users", "set-email", "--login", "zhang", "--email", "").stdout
    connection = sqlite3.connect(db)
    try:
        actions = [row[0] for row in connection.execute("SELECT action FROM audit_log WHERE action = 'user.email'")]
    finally:
        connection.close()
    assert actions == ["user.email", "user.email"]


def test_people_set_their_own_address_on_the_profile_page(tmp_path):
    from conftest import Server, client, hidden_csrf, login

    server = Server(tmp_path / "server", demo=False)
    server.directory.mkdir(parents=True)
    server.add_user("zhang", "张伟")
    server.start()
    try:
        http = login(server, "zhang", STRONG_PASSWORD, http=client(None))
        http.get(server.url("/language/en?next=/profile"), timeout=30)

        def save(address: str, password: str = STRONG_PASSWORD) -> requests.Response:
            page = http.get(server.url("/profile"), timeout=30).text
            return http.post(server.url("/profile/email"), allow_redirects=False, timeout=30,
                             data={"csrf_token": hidden_csrf(page, "/profile/email"), "email": address,
                                   "email_password": password})

        refused = save("not an address")
        assert refused.status_code == 422 and "Enter an e-mail address" in refused.text
        assert 'value="not an address"' in refused.text, "the form keeps what was typed"
        refused = save("zhang@example.gov", password="wrong-password-123")
        assert refused.status_code == 422 and "The current password is not correct" in refused.text
        saved = save(" zhang@example.gov ")
        assert saved.status_code == 303 and saved.headers["Location"] == "/profile?notice=email"
        page = http.get(server.url("/profile?notice=email"), timeout=30).text
        assert "E-mail address saved." in page and 'value="zhang@example.gov"' in page
        assert save("").status_code == 303
        assert 'value=""' in http.get(server.url("/profile"), timeout=30).text.split('id="email"')[1][:80]
        connection = sqlite3.connect(server.db)
        try:
            rows = list(connection.execute("SELECT actor, details FROM audit_log WHERE action = 'user.email' ORDER BY id"))
            email = connection.execute("SELECT email FROM users WHERE login = 'zhang'").fetchone()[0]
        finally:
            connection.close()
        assert [row[0] for row in rows] == ["zhang", "zhang"] and email is None
        assert "zhang@example.gov" not in str(rows)
    finally:
        stop_and_check(server)
