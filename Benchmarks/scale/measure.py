#!/usr/bin/env python3
"""Times the HR pages and the CSV export of a running training-server on the scale database.

    python3 Benchmarks/scale/measure.py --base http://127.0.0.1:PORT --pid SERVER_PID --db DB \
        --login hr.bench [--reps 5] [--exports 2] [--markdown OUT.md]

Signs in as the HR account like a browser (GET /login for the csa_csrf cookie and the form's csrf_token, then
POST /login; the password comes from SCALE_HR_PASSWORD), requests each page once plus `--reps` times and reports
the median, then streams the full CSV export while sampling the server's resident memory (VmRSS in
/proc/PID/status) every 20 ms.
"""

import argparse
import http.client
import os
import re
import sqlite3
import statistics
import sys
import threading
import time
import urllib.parse

PROGRAM = "egov-competence"


class Client:
    def __init__(self, base):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {}

    def connection(self):
        return http.client.HTTPConnection(self.host, self.port, timeout=900)

    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def remember(self, response):
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]

    def request(self, method, path, body=None, headers=None):
        connection = self.connection()
        all_headers = {"Cookie": self.cookie_header(), "Accept-Encoding": "identity"}
        all_headers.update(headers or {})
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        self.remember(response)
        return connection, response

    def get(self, path):
        """(status, body, seconds to the last byte)."""
        began = time.perf_counter()
        connection, response = self.request("GET", path)
        body = response.read()
        elapsed = time.perf_counter() - began
        connection.close()
        return response.status, body, elapsed

    def login(self, login, password):
        status, body, _ = self.get("/login")
        if status != 200:
            sys.exit(f"error: GET /login answered {status}")
        match = re.search(rb'name="csrf_token" value="([^"]+)"', body)
        if not match:
            sys.exit("error: no csrf_token on the login page")
        form = urllib.parse.urlencode({"login": login, "password": password, "csrf_token": match.group(1).decode(),
                                       "next": "/hr"})
        connection, response = self.request("POST", "/login", body=form,
                                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        response.read()
        connection.close()
        if response.status not in (302, 303) or "csa_session" not in self.cookies:
            sys.exit(f"error: POST /login answered {response.status} without a session cookie")


TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User plus system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as file:
        for line in file:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class RSSSampler(threading.Thread):
    def __init__(self, pid, interval=0.02):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0
        self.samples = 0
        self.running = True

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kib(self.pid))
            self.samples += 1
            time.sleep(self.interval)


def pick_departments(db_path):
    """The root, the bureau with most people under it, and that bureau's largest division."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)

    def largest_child(parent):
        rows = db.execute("""
            SELECT c.id, c.name, (SELECT sum(p.people) FROM departments s JOIN department_people p ON p.department_id = s.id
                                  WHERE s.id_path >= c.id_path AND s.id_path < substr(c.id_path, 1, length(c.id_path) - 1) || '0')
            FROM departments c WHERE c.parent_id = ?""", (parent,)).fetchall()
        return max(rows, key=lambda row: row[2] or 0) if rows else None

    root = db.execute("SELECT id, name FROM departments WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()
    bureau = largest_child(root[0])
    division = largest_child(bureau[0]) if bureau else None
    people = db.execute("SELECT count(*) FROM users").fetchone()[0]
    db.close()
    return root, bureau, division, people


def median_ms(values):
    return statistics.median(values) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--exports", type=int, default=2)
    parser.add_argument("--export-limit", type=float, default=900,
                        help="stop reading an export after this many seconds (the rate is then of the rows read)")
    parser.add_argument("--markdown", help="write the result table here too")
    args = parser.parse_args()

    password = os.environ.get("SCALE_HR_PASSWORD", "scale-benchmark-hr-2026")
    root, bureau, division, people = pick_departments(args.db)
    client = Client(args.base)
    rss_start = rss_kib(args.pid)
    client.login(args.login, password)

    def q(department, **extra):
        return urllib.parse.urlencode({"program": PROGRAM, "department": department, **extra})

    pages = [
        ("Summary, top of the tree (all people)", f"/hr?{q(root[0])}", 100),
        ("Summary API, top", f"/api/v1/hr/summary?{q(root[0])}", 100),
        (f"Summary, drill-down to a bureau ({bureau[2]:,} people)", f"/hr?{q(bureau[0])}", 100),
        (f"Summary, drill-down to a division ({division[2]:,} people)", f"/hr?{q(division[0])}", 100),
        ("People page, top: state=expired, sort=name", f"/hr/people?{q(root[0], state='expired', sort='name')}", 100),
        ("People page, top: below yearly hours, sort=name",
         f"/hr/people?{q(root[0], below_required='1', sort='name')}", 100),
        ("People page, top: no filter, sort=name", f"/hr/people?{q(root[0])}", 100),
        ("People page, top: state=due_for_renewal, sort=expires",
         f"/hr/people?{q(root[0], state='due_for_renewal', sort='expires')}", 100),
        ("People page, top: expiring in a quarter (2027-01-01 to 2027-03-31)",
         f"/hr/people?{q(root[0], expires_from='2027-01-01', expires_to='2027-03-31')}", 100),
        ("People page, top: certified and expiring in a quarter, sort=expires",
         f"/hr/people?{q(root[0], state='certified', expires_from='2027-01-01', expires_to='2027-03-31', sort='expires')}",
         100),
        ("People page, top: search by name '王'", f"/hr/people?{q(root[0], q='王')}", 100),
        ("People page, top: state=certified, sort=department",
         f"/hr/people?{q(root[0], state='certified', sort='department')}", 100),
        ("People page, top: no filter, sort=hours", f"/hr/people?{q(root[0], sort='hours')}", 100),
        ("People page, top: no filter, sort=state, descending",
         f"/hr/people?{q(root[0], sort='state', dir='desc')}", 100),
        ("People API, top: state=expired, limit=50",
         f"/api/v1/hr/people?{q(root[0], state='expired', sort='name', limit='50')}", 100),
        ("People page, bureau: state=expired, sort=name",
         f"/hr/people?{q(bureau[0], state='expired', sort='name')}", 100),
    ]
    results = []
    for label, path, target in pages:
        times = []
        cpu = []
        first = None
        size = 0
        failures = []
        for rep in range(args.reps + 1):
            cpu_before = cpu_seconds(args.pid)
            began = time.perf_counter()
            try:
                status, body, elapsed = client.get(path)
            except (OSError, http.client.HTTPException) as error:
                failures.append(f"{type(error).__name__} after {time.perf_counter() - began:.0f} s")
                print(f"  {label}: {failures[-1]}", file=sys.stderr, flush=True)
                continue
            used = cpu_seconds(args.pid) - cpu_before
            if status != 200:
                sys.exit(f"error: {path} answered {status}: {body[:300]!r}")
            size = len(body)
            if first is None:
                first = elapsed
            else:
                times.append(elapsed)
                cpu.append(used)
            print(f"  {label}: {elapsed * 1000:.0f} ms, server CPU {used * 1000:.0f} ms", file=sys.stderr, flush=True)
        results.append((label, path, size, first, times, cpu, target, failures))
    rss_after_pages = rss_kib(args.pid)

    exports = []
    for run in range(args.exports):
        path = f"/hr/people.csv?{q(root[0])}"
        before = rss_kib(args.pid)
        cpu_before = cpu_seconds(args.pid)
        sampler = RSSSampler(args.pid)
        sampler.start()
        began = time.perf_counter()
        connection, response = client.request("GET", path)
        if response.status != 200:
            sys.exit(f"error: {path} answered {response.status}")
        first_byte = None
        lines = 0
        size = 0
        complete = True
        while True:
            chunk = response.read1(1 << 16)
            if not chunk:
                break
            if time.perf_counter() - began > args.export_limit:
                complete = False
                break
            if first_byte is None:
                first_byte = time.perf_counter() - began
            lines += chunk.count(b"\n")
            size += len(chunk)
        elapsed = time.perf_counter() - began
        used = cpu_seconds(args.pid) - cpu_before
        connection.close()
        sampler.running = False
        sampler.join()
        time.sleep(1)
        after = rss_kib(args.pid)
        rows = lines - 1  # the header line
        exports.append((path, rows, size, first_byte, elapsed, used, before, sampler.peak, after, complete))
        print(f"  CSV export {run + 1}: {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s), "
              f"server CPU {used:.1f} s, RSS {before / 1024:.0f} -> peak {sampler.peak / 1024:.0f} -> {after / 1024:.0f} MiB",
              file=sys.stderr, flush=True)

    out = []
    out.append(f"{people:,} people; top = {root[1]} (id {root[0]}), bureau = {bureau[1]} (id {bureau[0]}), "
               f"division = {division[1]} (id {division[0]}). "
               f"Page times: first request, then the median (min-max) of {args.reps} more, to the last byte.")
    out.append("")
    out.append("| Request | Body | First | Median | Min-max | Server CPU (median) | Target | Met |")
    out.append("|---|---:|---:|---:|---:|---:|---:|:-:|")
    for label, path, size, first, times, cpu, target, failures in results:
        if first is None:
            out.append(f"| {label} | - | - | - | - | - | < {target} ms | no: {'; '.join(failures)} |")
            continue
        med = median_ms(times) if times else first * 1000
        spread = f"{min(times) * 1000:.0f}-{max(times) * 1000:.0f} ms" if times else "-"
        cpu_text = f"{median_ms(cpu):.0f} ms" if cpu else "-"
        met = "yes" if med < target and not failures else "no"
        if failures:
            met += f" ({len(failures)} failed: {'; '.join(failures)})"
        out.append(f"| {label} | {size / 1024:.0f} KiB | {first * 1000:.0f} ms | **{med:.0f} ms** | {spread} "
                   f"| {cpu_text} | < {target} ms | {met} |")
    out.append("")
    out.append("| CSV export of everyone (top) | Rows | Bytes | First byte | Total | Rows/s | Server CPU | RSS before "
               "| Peak | After | Growth (peak - before) | Met: rate / memory |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|")
    for index, (path, rows, size, first_byte, elapsed, used, before, peak, after, complete) in enumerate(exports, 1):
        rate = rows / elapsed
        growth = (peak - before) * 1024 / 1e6
        met = f"{'yes' if rate >= 200_000 else 'no'} / {'yes' if growth < 50 else 'no'}"
        rows_text = f"{rows:,}" if complete else f"{rows:,} (stopped after {args.export_limit:.0f} s)"
        out.append(f"| run {index} | {rows_text} | {size / 1e6:.0f} MB | {(first_byte or 0) * 1000:.0f} ms | {elapsed:.1f} s "
                   f"| **{rate:,.0f}** | {used:.1f} s | {before / 1024:.0f} MiB | {peak / 1024:.0f} MiB | {after / 1024:.0f} MiB "
                   f"| **{growth:+.1f} MB** | {met} |")
    out.append("")
    out.append(f"Server RSS: {rss_start / 1024:.0f} MiB before signing in, {rss_after_pages / 1024:.0f} MiB after the "
               f"page timings. Export targets: at least 200,000 rows/s, memory growth below 50 MB.")
    text = "\n".join(out) + "\n"
    if args.markdown:
        with open(args.markdown, "w") as file:
            file.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
