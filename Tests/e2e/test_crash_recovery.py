"""The crash test, short: 8 writers saving answers with unique keys over HTTP, the real server killed with SIGKILL
at a random moment in each of 3 rounds, restarted on the same database, unacknowledged saves retried. Every
acknowledged save is stored exactly once, `PRAGMA integrity_check` is ok and `verify-audit` passes.
`scripts/crash-test --rounds N` runs the long version."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from conftest import BINARY, COURSES, REPO

SCRIPT = REPO / "scripts" / "crash-test"


def test_three_rounds_of_kill_9_lose_no_acknowledged_write(tmp_path):
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, str(SCRIPT), "--rounds", "3", "--writers", "8", "--json",
                                "--binary", str(BINARY), "--courses", str(COURSES), "--workdir", str(tmp_path / "crash")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = process.communicate(timeout=55)
    except subprocess.TimeoutExpired:
        # SIGTERM lets the script kill its server before it exits.
        process.terminate()
        stdout, stderr = process.communicate(timeout=30)
        pytest.fail(f"the crash test did not finish within 55 s:\n{stdout}\n{stderr[-3000:]}")
    elapsed = time.monotonic() - started
    assert stdout.strip(), f"no result (exit {process.returncode}):\n{stderr[-3000:]}"
    result = json.loads(stdout.strip().splitlines()[-1])
    log = (tmp_path / "crash" / "server.log")
    context = f"{result}\n{stderr[-2000:]}\n{log.read_text(encoding='utf-8')[-2000:] if log.exists() else ''}"
    assert result["rounds"] == 3, context
    assert result["errors"] == [], context
    assert result["acknowledged"] > 0, context
    assert result["lost"] == 0 and result["duplicated"] == 0, context
    assert result["storedWithoutAcknowledgement"] == 0, context
    assert result["integrityCheck"] == "ok", context
    assert result["verifyAudit"] == "ok", context
    assert result["passed"] and process.returncode == 0, context
    assert elapsed < 55


def test_the_script_refuses_a_bad_round_count():
    done = subprocess.run([sys.executable, str(SCRIPT), "--rounds", "0", "--binary", str(BINARY)],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "--rounds" in done.stderr
