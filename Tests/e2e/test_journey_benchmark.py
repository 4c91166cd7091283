"""The learner-journey benchmark keeps working as pages change: `Benchmarks/journey/run.sh --smoke` signs learners
in, takes the practice quiz through the real pages (reading CSRF tokens, the attempt's address and the question
fields from the HTML), measures the signed-in pages with wrk and a learner with earlier attempts, without errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BINARY, REPO

RUN = REPO / "Benchmarks" / "journey" / "run.sh"
KINDS = ("dashboard", "module", "start_page", "start", "answer_page", "save", "summary", "submit", "result")


def tail(path: Path, characters: int = 3000) -> str:
    """The end of a file the run wrote, for a failure message."""
    return f"{path.name}:\n{path.read_text(encoding='utf-8', errors='replace')[-characters:]}" if path.exists() else ""


def generator_values(path: Path) -> dict[str, str]:
    """The `key value` lines of the load generator's output."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(" ")
        values.setdefault(key, value)
    return values


def type_lines(path: Path) -> dict[str, dict[str, str]]:
    """The generator's `type NAME field value ...` lines, by request type."""
    result = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words[:1] == ["type"]:
            result[words[1]] = dict(zip(words[2::2], words[3::2]))
    return result


@pytest.mark.skipif(shutil.which("wrk") is None or shutil.which("cc") is None, reason="needs wrk and a C compiler")
def test_smoke_run_completes_attempts_without_errors(tmp_path: Path):
    out = tmp_path / "out"
    environment = dict(os.environ, TRAINING_SERVER=str(BINARY), BENCH_OUT=str(out), TMPDIR=str(tmp_path),
                       LOG_LEVEL="warning")
    done = subprocess.run([str(RUN), "--smoke"], env=environment, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, (f"run.sh --smoke exited {done.returncode}\n{done.stdout}\n{done.stderr[-4000:]}"
                                  f"\n{tail(out / 'journey-generator.txt')}\n{tail(out / 'journey-server.log')}")

    journey = generator_values(out / "journey-generator.txt")
    assert journey["errors"] == "0"
    assert journey["refused_starts"] == "0"
    assert int(journey["attempts"]) >= 1
    assert float(journey["server_cpu_ms_per_attempt"]) > 0
    kinds = type_lines(out / "journey-generator.txt")
    for kind in KINDS:
        assert int(kinds[kind]["requests"]) >= 1, kind
        assert kinds[kind]["errors"] == "0", kind

    # Every learner of the history run took the quiz, at 0 and at 20 earlier attempts, and each measured request
    # cost the server some CPU time.
    for name in ("journey-history-0.txt", "journey-history-20.txt"):
        history = generator_values(out / name)
        assert history["errors"] == "0", name
        assert int(history["journeys"]) == 3, name
        for kind, fields in type_lines(out / name).items():
            assert float(fields["cpu_us_median"]) > 0, (name, kind)

    results = (out / "journey-results.md").read_text(encoding="utf-8")
    assert results == done.stdout
    assert re.search(r"\| errors \(non-2xx/3xx, unexpected pages, lost connections\) \| 0 \| none: met \|", results)
    for page in ("dashboard `/`", "catalogue `/courses`", "course page `/courses/info-literacy`",
                 "module page `/courses/info-literacy/modules/finding-information`"):
        assert re.search(re.escape(page) + r" \| \d+ \| \d+ \| [\d.]+ % \| \d+ µs \|", results), page
    assert "| start | " in results and "earlier closed attempts" in results


def test_generator_reports_a_page_that_is_not_the_expected_one(tmp_path: Path):
    """A journey whose quiz link is missing from the module page counts errors instead of passing silently."""
    out = tmp_path / "out"
    environment = dict(os.environ, TRAINING_SERVER=str(BINARY), BENCH_OUT=str(out), TMPDIR=str(tmp_path),
                       LOG_LEVEL="warning", MODULE="info-literacy/one-stop-services")
    done = subprocess.run([str(RUN), "--smoke", "--no-pages", "--no-history"], env=environment,
                          capture_output=True, text=True, timeout=180)
    report = f"run.sh exited {done.returncode}\n{done.stdout}\n{done.stderr[-4000:]}\n{tail(out / 'journey-server.log')}"
    assert done.returncode == 1, report
    assert (out / "journey-generator.txt").exists(), f"the generator never ran\n{report}"
    journey = generator_values(out / "journey-generator.txt")
    assert int(journey["errors"]) >= 1
    assert int(journey["attempts"]) == 0
    assert "module (" in journey["first_error"] and "the page has no href=" in journey["first_error"]
    assert "errors" in done.stderr
