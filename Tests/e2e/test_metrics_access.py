"""Who may read /metrics: loopback clients by default (not a client a trusted proxy forwarded), and with
`--metrics-token-file` only those sending the token; others get the answer of an unknown path, or 401."""

from __future__ import annotations

import subprocess

import requests

from conftest import BINARY, COURSES

FORWARDED = {"X-Forwarded-For": "203.0.113.9"}


def test_loopback_client_reads_the_metrics(fresh_server):
    running = fresh_server(demo=False, name="loopback")
    response = requests.get(running.url("/metrics"), timeout=10)
    assert response.status_code == 200
    assert "http_requests_total" in response.text
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")


def test_a_client_forwarded_by_a_trusted_proxy_gets_not_found(fresh_server):
    running = fresh_server(demo=False, name="proxied", extra=("--trusted-proxy", "127.0.0.1/32"))
    forwarded = requests.get(running.url("/metrics"), headers=FORWARDED, timeout=10)
    assert forwarded.status_code == 404
    assert "http_requests_total" not in forwarded.text
    # The same answer as a path that does not exist: nothing tells the metrics are there.
    unknown = requests.get(running.url("/no-such-page"), headers=FORWARDED, timeout=10)
    assert unknown.status_code == 404
    assert forwarded.headers["Content-Type"] == unknown.headers["Content-Type"]
    # The proxy itself (no X-Forwarded-For) is on this machine.
    assert requests.get(running.url("/metrics"), timeout=10).status_code == 200
    # A client that names itself loopback through the proxy is still the address the proxy saw.
    spoofed = requests.get(running.url("/metrics"), headers={"X-Forwarded-For": "127.0.0.1, 203.0.113.9"}, timeout=10)
    assert spoofed.status_code == 404


def test_with_a_token_file_the_token_is_required_from_everyone(fresh_server, tmp_path):
    token_file = tmp_path / "metrics-token"
    token_file.write_text("s3cret-metrics-token-0123456789\n", encoding="utf-8")
    running = fresh_server(demo=False, name="token", extra=("--metrics-token-file", str(token_file)))
    right = requests.get(running.url("/metrics"), timeout=10,
                         headers={"Authorization": "Bearer s3cret-metrics-token-0123456789"})
    assert right.status_code == 200
    assert "http_requests_total" in right.text
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Bearer s3cret-metrics-token-012345678"},
                    {"Authorization": "Basic czNjcmV0"}):
        answer = requests.get(running.url("/metrics"), headers=headers, timeout=10)
        assert answer.status_code == 401, headers
        assert answer.headers.get("WWW-Authenticate", "").startswith("Bearer")
        assert "http_requests_total" not in answer.text
    # /healthz stays open.
    assert requests.get(running.url("/healthz"), timeout=10).status_code == 200


def test_a_missing_token_file_stops_start_up_with_a_clear_message(tmp_path):
    missing = tmp_path / "absent-token"
    result = subprocess.run([str(BINARY), "serve", "--port", "0", "--db", str(tmp_path / "db.sqlite"),
                             "--courses", str(COURSES), "--metrics-token-file", str(missing)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "--metrics-token-file" in result.stderr and str(missing) in result.stderr
    empty = tmp_path / "empty-token"
    empty.write_text("\n", encoding="utf-8")
    result = subprocess.run([str(BINARY), "serve", "--port", "0", "--db", str(tmp_path / "db.sqlite"),
                             "--courses", str(COURSES), "--metrics-token-file", str(empty)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "is empty" in result.stderr
