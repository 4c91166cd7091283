#!/usr/bin/env python3
"""Server CPU per request against the length of one learner's history at one quiz.

For each history length N (default 0 and 1000): a server on a fresh database, one learner, N closed attempts at a
practice quiz (one real attempt taken over HTTP, copied N-1 times in the database: same paper, steps and summary).
Then, one request at a time and taking turns between the servers, the start page, start, result, dashboard and
/api/v1/progress, each repeated. The server's
CPU time for a request is read from /proc (the sum of its threads' schedstat, in nanoseconds) before and after it,
so the figure holds on a shared machine; the median per request type is printed, with its ratio to N=0.

    Benchmarks/history/measure.py --binary .build/release/training-server [--attempts 0 1000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
COURSE = "info-literacy"
QUIZ = "practice-data-sharing"
PASSWORD = "Correct-Horse-Battery-9"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hidden(page: str, name: str) -> str:
    match = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), page)
    if not match:
        raise SystemExit(f"no hidden field {name} on the page")
    return match.group(1)


def cpu_ns(pid: int) -> int:
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total


class Run:
    def __init__(self, binary: str, directory: Path, threads: int) -> None:
        self.binary = binary
        directory.mkdir(parents=True, exist_ok=True)
        self.db = directory / "training.sqlite"
        self.port = free_port()
        cli = [binary]
        subprocess.run(cli + ["departments", "add", "省政府/测试处", "--db", str(self.db)], check=False,
                       capture_output=True)
        subprocess.run(cli + ["users", "add", "--login", "learner", "--name", "Learner", "--department", "省政府/测试处",
                              "--role", "learner", "--password-stdin", "--db", str(self.db)],
                       input=PASSWORD + "\n", text=True, check=True, capture_output=True)
        self.process = subprocess.Popen([binary, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--db",
                                         str(self.db), "--courses", str(ROOT / "Courses"), "--threads", str(threads)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        env={**os.environ, "LOG_LEVEL": "warning"})
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(200):
            try:
                requests.get(self.base + "/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        self.http = requests.Session()
        page = self.http.get(self.base + "/login").text
        answer = self.http.post(self.base + "/login", allow_redirects=False,
                                data={"login": "learner", "password": PASSWORD, "csrf_token": hidden(page, "csrf_token")})
        assert answer.status_code == 303, answer.status_code
        self.start_path = f"/courses/{COURSE}/quizzes/{QUIZ}"
        self.csrf = hidden(self.http.get(self.base + self.start_path).text, "csrf_token")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def timed(self, method: str, path: str, **kwargs) -> tuple[int, requests.Response]:
        before = cpu_ns(self.process.pid)
        response = self.http.request(method, self.base + path, allow_redirects=False, timeout=120, **kwargs)
        after = cpu_ns(self.process.pid)
        assert response.status_code in (200, 303), f"{method} {path} -> {response.status_code}"
        return after - before, response

    def start(self) -> tuple[int, str]:
        cost, response = self.timed("POST", self.start_path + "/attempts", data={"csrf_token": self.csrf})
        location = response.headers["Location"]
        assert location.startswith("/attempts/"), location
        return cost, location.split("/")[2]

    def submit(self, attempt: str) -> None:
        response = self.http.post(self.base + f"/attempts/{attempt}/submit", allow_redirects=False,
                                  data={"csrf_token": self.csrf, "form_key": os.urandom(8).hex()})
        assert response.status_code == 303, response.status_code

    def copy(self, attempt: str, copies: int) -> None:
        connection = sqlite3.connect(self.db, timeout=30)
        with connection:
            columns = [c[0] for c in connection.execute("SELECT * FROM quiz_attempts LIMIT 0").description]
            original = dict(zip(columns, connection.execute("SELECT * FROM quiz_attempts WHERE id = ?",
                                                            (attempt,)).fetchone()))
            for index in range(copies):
                row = dict(original, id=f"copy-{index:05d}", number=original["number"] + 1 + index)
                connection.execute(f"INSERT INTO quiz_attempts ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                                   list(row.values()))
                connection.execute("""INSERT INTO attempt_steps (attempt_id, sequence, at, step, idempotency_key)
                                      SELECT ?, sequence, at, step, idempotency_key FROM attempt_steps
                                      WHERE attempt_id = ?""", (row["id"], attempt))
        # Into the database file, so the server's reads do not look pages up in a long write-ahead log.
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()


def prepare(binary: str, earlier: int, directory: Path, threads: int) -> Run:
    run = Run(binary, directory, threads)
    if earlier > 0:
        _, last = run.start()
        run.submit(last)
        run.copy(last, earlier - 1)
    return run


def measure(runs: dict[int, Run], repeat: int) -> dict[int, dict[str, float]]:
    """Takes turns between the servers, so a change in the machine's load touches every history length alike."""
    names = ("start page", "start", "result", "dashboard", "/api/v1/progress")
    costs = {n: {name: [] for name in names} for n in runs}
    for _ in range(repeat):
        for n, run in runs.items():
            costs[n]["start page"].append(run.timed("GET", run.start_path)[0])
            costs[n]["dashboard"].append(run.timed("GET", "/")[0])
            costs[n]["/api/v1/progress"].append(run.timed("GET", "/api/v1/progress")[0])
            cost, attempt = run.start()
            costs[n]["start"].append(cost)
            run.submit(attempt)
            costs[n]["result"].append(run.timed("GET", f"/attempts/{attempt}/result")[0])
    return {n: {name: statistics.median(values) / 1e6 for name, values in by_name.items()}
            for n, by_name in costs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=str(ROOT / ".build" / "release" / "training-server"))
    parser.add_argument("--attempts", type=int, nargs="+", default=[0, 1000])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--threads", type=int, default=4)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        runs: dict[int, Run] = {}
        try:
            for n in arguments.attempts:
                runs[n] = prepare(arguments.binary, n, Path(directory) / f"n{n}", arguments.threads)
            results = measure(runs, arguments.repeat)
        finally:
            for run in runs.values():
                run.stop()
    first = results[arguments.attempts[0]]
    print(f"server CPU per request (ms, median of {arguments.repeat}), {arguments.binary}")
    print("| request | " + " | ".join(f"N={n}" for n in arguments.attempts) + " | ratio |")
    print("| --- | " + " | ".join("---:" for _ in arguments.attempts) + " | ---: |")
    for name in first:
        values = [results[n][name] for n in arguments.attempts]
        print(f"| {name} | " + " | ".join(f"{v:.3f}" for v in values) + f" | {values[-1] / values[0]:.2f}× |")


if __name__ == "__main__":
    sys.exit(main())
