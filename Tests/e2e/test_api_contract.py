"""The JSON API keeps to docs/openapi.yaml: the description is valid OpenAPI, documents every /api/v1 path and every
status the server sends, every error under /api/ is JSON of its one Error schema (also for requests refused before
routing), constrained parameters are refused as described, every answer is counted in /metrics (which
prometheus_client can read) and logged, and schemathesis finds nothing with learner and HR tokens."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from conftest import MAX_BODY_BYTES, REPO, Server, api_token, bearer, client, stop_and_check

OPENAPI_FILE = REPO / "docs" / "openapi.yaml"
SCHEMATHESIS_CONFIG = Path(__file__).with_name("schemathesis.toml")
# Examples per operation and run; the two runs (learner, HR) stay well under three minutes on two cores.
SCHEMATHESIS_EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
SCHEMATHESIS_TIMEOUT = 150
SCHEMATHESIS_SEED = os.environ.get("SCHEMATHESIS_SEED", "20261206")


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory):
    """A demo server of this module's own (schemathesis starts attempts; nobody else should see them)."""
    running = Server(tmp_path_factory.mktemp("api-contract")).start()
    yield running
    stop_and_check(running)


@pytest.fixture(scope="module")
def tokens(api_server):
    return {person: api_token(api_server, person) for person in ("demo-learner", "demo-hr")}


def counters(server: Server) -> dict[tuple[str, str, str], float]:
    """http_requests_total by (method, route, status), read with prometheus_client's own parser."""
    from prometheus_client.parser import text_string_to_metric_families

    text = client().get(server.url("/metrics"), timeout=10).text
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "http_requests_total":
                found[(sample.labels["method"], sample.labels["route"], sample.labels["status"])] = sample.value
    return found


def raw_request(server: Server, data: bytes) -> bytes:
    """Sends `data` as it is (for targets and methods HTTP libraries will not send) and returns the answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def log_lines_after(server: Server, count: int, pattern: str, timeout: float = 3.0) -> list[str]:
    """Log lines written after the first `count` that match `pattern` (lines are written in batches of 100 ms)."""
    deadline = time.monotonic() + timeout
    while True:
        matching = [line for line in server.lines[count:] if re.search(pattern, line)]
        if matching or time.monotonic() > deadline:
            return matching
        time.sleep(0.05)


def assert_api_error(response: requests.Response, status: int, openapi, template: str, method: str = "get") -> dict:
    assert response.status_code == status, f"{method.upper()} {template} -> {response.status_code}: {response.text[:300]}"
    assert response.headers["Content-Type"].startswith("application/json"), response.headers["Content-Type"]
    body = openapi.check(response, template, method)
    assert set(body) <= {"error", "request", "reason"} and body["error"], body
    return body


def test_the_description_is_valid_openapi_and_documents_every_api_route():
    from openapi_spec_validator import validate
    from openapi_spec_validator.readers import read_from_filename

    spec, _ = read_from_filename(str(OPENAPI_FILE))
    validate(spec)
    routes = set()
    for source in (REPO / "Sources" / "TrainingServer" / "Controllers").glob("*.swift"):
        routes.update(re.findall(r'router\.(?:get|post)\("(/api/[^"]+)"', source.read_text(encoding="utf-8")))
    documented = {re.sub(r"\{(\w+)\}", r":\1", path) for path in spec["paths"]}
    assert routes, "no /api/ routes found in the controllers"
    assert sorted(routes - documented) == [], "API routes missing from docs/openapi.yaml"


def test_the_certificate_paths_answer_as_documented(api_server, tokens, openapi):
    learner = bearer(tokens["demo-learner"])
    response = learner.get(api_server.url("/api/v1/certifications"), timeout=10)
    assert response.status_code == 200
    assert openapi.check(response, "/api/v1/certifications"), "the catalogue has programmes"
    response = learner.get(api_server.url("/api/v1/certificates"), timeout=10)
    assert response.status_code == 200
    certificates = openapi.check(response, "/api/v1/certificates")
    for certificate in certificates:
        found = client().get(api_server.url(f"/api/v1/verify/{certificate['id']}"), timeout=10)
        assert openapi.check(found, "/api/v1/verify/{id}")["id"] == certificate["id"]
        status = client().get(api_server.url(f"/api/v1/credentials/status/{certificate['id']}"), timeout=10)
        openapi.check(status, "/api/v1/credentials/status/{id}")
    unknown = "0" * 26
    for template in ("/api/v1/verify/{id}", "/api/v1/credentials/status/{id}"):
        response = client().get(api_server.url(template.format(id=unknown)), timeout=10)
        assert_api_error(response, 404, openapi, template)
    for template in ("/api/v1/certificates", "/api/v1/certifications"):
        response = client().get(api_server.url(template), timeout=10)
        assert_api_error(response, 401, openapi, template)
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_post_without_a_token_answers_401_not_a_form_error(api_server, openapi):
    for template, path in (("/api/v1/attempts/{attempt}/submit", "/api/v1/attempts/x/submit"),
                           ("/api/v1/attempts/{attempt}/answers", "/api/v1/attempts/x/answers"),
                           ("/api/v1/courses/{course}/quizzes/{quiz}/attempts",
                            "/api/v1/courses/info-literacy/quizzes/final-exam/attempts")):
        response = client().post(api_server.url(path), json={"key": "k", "answers": []}, timeout=10)
        body = assert_api_error(response, 401, openapi, template, "post")
        assert "form" not in body["error"]
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("method", ["TRACE", "QUERY", "PUT"])
def test_trace_answers_405_with_allow_like_any_method_a_path_does_not_offer(api_server, tokens, method):
    for headers in ({}, {"Authorization": f"Bearer {tokens['demo-learner']}"}):
        response = client().request(method, api_server.url("/api/v1/me"), headers=headers, timeout=10)
        assert response.status_code == 405, response.text
        assert response.headers["Allow"] == "GET, HEAD"
        assert response.headers["Content-Type"].startswith("application/json")
        assert response.json()["error"]


def test_a_nul_in_the_url_is_named_as_what_is_refused(api_server, tokens, openapi):
    hr = bearer(tokens["demo-hr"])
    response = hr.get(api_server.url("/api/v1/hr/people?q=%00"), timeout=10)
    body = assert_api_error(response, 400, openapi, "/api/v1/hr/people")
    assert "NUL" in body["error"] and "UTF-8" not in body["error"], body
    response = hr.get(api_server.url("/api/v1/hr/people?q=%FF"), timeout=10)
    body = assert_api_error(response, 400, openapi, "/api/v1/hr/people")
    assert "UTF-8" in body["error"], body


@pytest.mark.parametrize("query, field", [
    ("department=", "department"),
    ("expires_to=", "expires_to"),
    ("expires_to=tomorrow", "expires_to"),
    ("expires_from=", "expires_from"),
    ("expires_from=2027-03-01&expires_to=2027-01-01", "expires_to"),
    ("state=", "state"),
    ("below_required=maybe", "below_required"),
    ("limit=", "limit"),
    ("q=" + "\u0301" * 101, "q"),
])
def test_hr_people_refuses_what_the_description_does_not_allow(api_server, tokens, openapi, query, field):
    response = bearer(tokens["demo-hr"]).get(api_server.url(f"/api/v1/hr/people?{query}"), timeout=10)
    body = assert_api_error(response, 400, openapi, "/api/v1/hr/people")
    assert body["error"].startswith(field + ":"), body


def test_hr_summary_refuses_an_empty_department(api_server, tokens, openapi):
    response = bearer(tokens["demo-hr"]).get(api_server.url("/api/v1/hr/summary?department="), timeout=10)
    assert assert_api_error(response, 400, openapi, "/api/v1/hr/summary")["error"].startswith("department:")
    response = bearer(tokens["demo-hr"]).get(api_server.url("/api/v1/hr/summary?department=&program="), timeout=10)
    assert response.status_code == 400


def request_id(answer: bytes) -> str:
    """The request id an error answer names (JSON `request`, or `(id)` at the end of a plain-text message)."""
    found = re.search(rb'"request":"([0-9a-z-]+)"', answer) or re.search(rb"\(([0-9a-z]+-[0-9a-z]+)\)\n?$", answer)
    assert found, answer[-300:]
    return found.group(1).decode()


def test_requests_refused_before_routing_are_counted_and_logged(api_server, tokens, openapi):
    before = counters(api_server)
    trace = raw_request(api_server, b"TRACE /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert trace.startswith(b"HTTP/1.1 405"), trace[:200]
    bad_path = raw_request(api_server, b"GET /%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert bad_path.startswith(b"HTTP/1.1 400"), bad_path[:200]
    assert b"Content-Security-Policy" in bad_path and b"text/plain" in bad_path
    unknown = raw_request(api_server, b"FROB /api/v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert unknown.startswith(b"HTTP/1.1 405"), unknown[:200]
    assert b"application/json" in unknown and b"Allow: GET, HEAD\r\n" in unknown
    response = bearer(tokens["demo-hr"]).get(api_server.url("/api/v1/hr/people?q=%FF"), timeout=10)
    assert_api_error(response, 400, openapi, "/api/v1/hr/people")
    too_large = bearer(tokens["demo-learner"]).post(api_server.url("/api/v1/attempts/x/answers"),
                                                     data=b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}",
                                                     headers={"Content-Type": "application/json"}, timeout=10)
    assert_api_error(too_large, 413, openapi, "/api/v1/attempts/{attempt}/answers", "post")
    after = counters(api_server)

    def grew(key, by=1):
        assert after.get(key, 0) - before.get(key, 0) == by, (key, before.get(key), after.get(key))

    grew(("TRACE", "unmatched", "405"))
    grew(("GET", "unrouted", "400"), by=2)
    grew(("OTHER", "unrouted", "405"))
    grew(("POST", "unrouted", "413"))
    for line, answer in ((r"TRACE unmatched 405 ", trace), (r"GET unrouted 400 ", bad_path), (r"OTHER unrouted 405 ", unknown),
                         (r"GET unrouted 400 ", response.content), (r"POST unrouted 413 ", too_large.content)):
        pattern = line + r".* id=" + re.escape(request_id(answer)) + "$"
        assert len(log_lines_after(api_server, 0, pattern)) == 1, f"no log line {pattern!r}:\n" + api_server.log[-3000:]


def test_prometheus_client_reads_the_metrics(api_server):
    from prometheus_client.parser import text_string_to_metric_families

    raw_request(api_server, b"GET /%FF HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    response = client().get(api_server.url("/metrics"), timeout=10)
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    families = {family.name: family for family in text_string_to_metric_families(response.text)}
    assert families["http_requests"].type == "counter"
    assert families["http_request_duration_seconds"].type == "histogram"
    assert families["database_wait_seconds"].type == "counter"
    routes = {sample.labels.get("route") for sample in families["http_request_duration_seconds"].samples}
    assert {"unrouted", "/metrics"} <= routes


def schemathesis(server: Server, token: str, directory: Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(SCHEMATHESIS_CONFIG), "run", str(OPENAPI_FILE),
               "--url", server.base,
               "--header", f"Authorization: Bearer {token}", "--checks", "all",
               "--max-examples", str(SCHEMATHESIS_EXAMPLES), "--seed", SCHEMATHESIS_SEED, "--workers", "2",
               "--request-timeout", "10", "--generation-database", "none", "--no-color"]
    try:
        done = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=SCHEMATHESIS_TIMEOUT)
        (directory / "schemathesis.txt").write_text(done.stdout + done.stderr, encoding="utf-8")
        return done
    except subprocess.TimeoutExpired as expired:
        raise AssertionError(f"schemathesis took more than {SCHEMATHESIS_TIMEOUT} s:\n{expired.stdout}") from None


@pytest.mark.parametrize("person", ["demo-learner", "demo-hr"])
def test_schemathesis_finds_nothing(api_server, tokens, tmp_path, person):
    done = schemathesis(api_server, tokens[person], tmp_path)
    assert done.returncode == 0, (f"schemathesis as {person} exited {done.returncode} (whole output in "
                                  f"{tmp_path / 'schemathesis.txt'}):\n{done.stdout[-20000:]}\n{done.stderr[-4000:]}")
