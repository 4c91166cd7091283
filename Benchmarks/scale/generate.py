#!/usr/bin/env python3
"""Builds a large, deterministic organisation database for the HR scale benchmark.

    python3 Benchmarks/scale/generate.py --server PATH/training-server --db Benchmarks/out/scale.sqlite

The real binary creates the schema (`departments list` applies every migration) and the HR account (`users add`,
so its password hash is a real one); everything else is bulk-inserted with sqlite3:

- a four-level tree: one province root, bureaus (~0.4 %), divisions (~5 %), the rest offices;
- people spread over every department (mostly offices), with learner grants and an unusable password hash;
- certifications in the `egov-competence` programme with a mix of states and expiry dates, and certificates;
- quiz attempts over the catalogue's courses and quizzes (finals consistent with the certification state, practice
  attempts fill the requested total exactly), and study-hour ledger rows for modules and passed finals;
- 1 % of the accounts disabled.

Left empty: attempt_steps (the benchmark replays no attempt; `paper` is a small constant), module_progress,
certification_history, sessions. Certificate credentials are JWT-shaped placeholders, not signed. Every expiry and
renewal-window date lies at least STABLE_DAYS from the reference time (--now, default today), so the server's
start-up and hourly certification sweep has nobody to move for that long.

The aggregate tables (department_people, certification_counts, user_year_hours, department_hours,
user_name_characters) are normally kept by insert triggers. Firing them a million times is slow, so the five insert
triggers are dropped for the load,
the aggregates are computed with GROUP BY, and the triggers are re-created from the exact SQL stored in the schema.
department_hours is left empty: its buckets depend on the yearly requirement, and the server counts it when it
starts (`Application.prepare`).
"""

import argparse
import base64
import bisect
import hashlib
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from array import array

PROGRAM_ID = "egov-competence"
PROGRAM_COURSES = ["service-ethics", "info-literacy", "info-security"]
REFRESHER = "info-security-refresher"
DAY = 86_400.0
VALIDITY = 730 * DAY
WINDOW = 90 * DAY
STABLE_DAYS = 30

# Share of people per certification state (not started = no certification row).
STATE_MIX = [
    ("not_started", 0.15),
    ("in_progress", 0.20),
    ("certified", 0.45),
    ("due_for_renewal", 0.07),
    ("expired", 0.11),
    ("revoked", 0.02),
]
STATES = [name for name, _ in STATE_MIX]
NOT_STARTED, IN_PROGRESS, CERTIFIED, DUE, EXPIRED, REVOKED = range(6)
HOLDERS = {CERTIFIED, DUE, EXPIRED, REVOKED}

INSERT_TRIGGERS = ["users_count_insert", "certifications_count_insert", "hours_ledger_sum", "user_year_hours_bucket_insert",
                   "users_name_characters_insert"]

BUREAUS = [
    "省发展和改革委员会", "省教育厅", "省科学技术厅", "省工业和信息化厅", "省公安厅", "省民政厅", "省司法厅",
    "省财政厅", "省人力资源和社会保障厅", "省自然资源厅", "省生态环境厅", "省住房和城乡建设厅", "省交通运输厅",
    "省水利厅", "省农业农村厅", "省商务厅", "省文化和旅游厅", "省卫生健康委员会", "省应急管理厅", "省审计厅",
    "省市场监督管理局", "省统计局", "省医疗保障局", "省数据局", "省政务服务管理局",
]
DIVISIONS = [
    "办公室", "综合处", "政策法规处", "规划处", "财务处", "人事处", "机关党委", "信息化处", "监督检查处",
    "行政审批处", "宣传教育处", "科技处", "统计信息处", "审计处", "离退休干部处",
]
OFFICES = ["综合科", "业务一科", "业务二科", "业务三科", "信息科", "档案科", "服务窗口", "督查科"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = ("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华志强志明海燕红梅小红文博子涵浩然欣怡"
         "思远宇轩晨曦雨桐嘉怡俊杰梓萱一鸣佳琪晓东晓燕春华秋实冬梅立新卫东")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="training-server binary (creates the schema and HR account)")
    parser.add_argument("--db", required=True, help="database file to create")
    parser.add_argument("--courses", default=os.path.join(os.path.dirname(__file__), "..", "..", "Courses"),
                        help="course folder (course, module and quiz ids and hours are read from it)")
    parser.add_argument("--people", type=int, default=1_000_000, help="accounts, the HR account included")
    parser.add_argument("--departments", type=int, default=5_000)
    parser.add_argument("--attempts", type=int, default=10_000_000, help="quiz attempts in total")
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--now", type=float, default=None,
                        help="reference time for states and dates (seconds since 1970; default: today 00:00 UTC)")
    parser.add_argument("--disabled-share", type=float, default=0.01, help="share of disabled accounts")
    parser.add_argument("--hr-login", default="hr.bench")
    parser.add_argument("--hr-password", default="scale-benchmark-hr-2026")
    parser.add_argument("--root-name", default="省人民政府")
    parser.add_argument("--cache-mb", type=int, default=1024, help="SQLite page cache during the load")
    parser.add_argument("--force", action="store_true", help="replace an existing database")
    args = parser.parse_args()
    if args.people < 1 or args.departments < 1 or args.attempts < 0:
        parser.error("--people and --departments must be at least 1, --attempts at least 0")
    return args


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- catalogue ------------------------------------------------------------------------------------------------

def yaml_list(text, key):
    """The string list under `key:` in a course file, inline (`[a, b]`) or as `  - a` lines."""
    inline = re.search(rf"^{key}:\s*\[(.*?)\]", text, re.M)
    if inline:
        return [item.strip() for item in inline.group(1).split(",") if item.strip()]
    block = re.search(rf"^{key}:\s*\n((?:\s+-\s+.*\n?)+)", text, re.M)
    return [line.split("-", 1)[1].strip() for line in block.group(1).splitlines()] if block else []


def yaml_number(text, key, default):
    match = re.search(rf"^{key}:\s*([0-9.]+)", text, re.M)
    return float(match.group(1)) if match else default


def load_catalogue(folder):
    """course id -> modules (id, hours), quizzes (id, max attempts), final quiz id, quiz hours."""
    catalogue = {}
    for course_id in PROGRAM_COURSES + [REFRESHER]:
        base = os.path.join(folder, course_id)
        with open(os.path.join(base, "course.yaml"), encoding="utf-8") as file:
            text = file.read()
        modules = []
        names = sorted(os.listdir(os.path.join(base, "modules")))
        for module_id in yaml_list(text, "modules"):
            hours = 1.0
            for name in names:
                if re.fullmatch(rf"\d+-{re.escape(module_id)}\.zh\.md", name):
                    with open(os.path.join(base, "modules", name), encoding="utf-8") as file:
                        hours = yaml_number(file.read(), "hours", 1.0)
            modules.append((module_id, hours))
        quizzes = []
        for quiz_id in yaml_list(text, "quizzes"):
            with open(os.path.join(base, "quizzes", quiz_id + ".yaml"), encoding="utf-8") as file:
                quizzes.append((quiz_id, int(yaml_number(file.read(), "max_attempts", 0))))
        completion = re.search(r"^completion:\s*\n(?:\s+.*\n)*?\s+quiz:\s*(\S+)", text, re.M)
        final = completion.group(1) if completion else quizzes[-1][0]
        study_hours = yaml_number(text, "study_hours", 0)
        catalogue[course_id] = {
            "modules": modules,
            "practice": [quiz for quiz, _ in quizzes if quiz != final],
            "final": final,
            "final_max": dict(quizzes).get(final) or 3,
            "quiz_hours": max(0.0, round(study_hours - sum(hours for _, hours in modules), 2)),
            "hash": {quiz: hashlib.sha256(f"{course_id}/{quiz}/v1".encode()).hexdigest() for quiz, _ in quizzes},
        }
    return catalogue


# --- helpers --------------------------------------------------------------------------------------------------

def token(rng, size=16):
    """Like the server's ids: random bytes, base64url without padding."""
    return base64.urlsafe_b64encode(rng.randbytes(size)).rstrip(b"=").decode()


class Years:
    """The local calendar year of an instant (like the server's StudyCalendar), by bisecting year starts."""

    def __init__(self, first, last):
        self.first = first
        self.starts = [time.mktime((year, 1, 1, 0, 0, 0, 0, 0, -1)) for year in range(first, last + 2)]

    def __call__(self, seconds):
        return self.first + bisect.bisect_right(self.starts, seconds) - 1


def run(command, stdin=None):
    result = subprocess.run(command, input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"error: {' '.join(command[:3])} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


# --- generation -----------------------------------------------------------------------------------------------

class Generator:
    def __init__(self, args, db):
        self.args = args
        self.db = db
        self.rng = random.Random(args.seed)
        self.now = args.now if args.now is not None else float(int(time.time() // DAY) * DAY)
        self.catalogue = load_catalogue(args.courses)
        now_year = time.localtime(self.now).tm_year
        self.year_of = Years(now_year - 10, now_year + 1)
        self.counts = {}

    def departments(self, root_id):
        """A four-level tree under the root. Returns ids, parent ids and staff weights, indexed from 0 (root)."""
        rng = self.rng
        total = self.args.departments
        bureaus = min(max(1, round(total / 250)), total - 1) if total > 1 else 0
        divisions = min(max(1, round(total / 20)), total - 1 - bureaus) if total > 2 else 0
        offices = total - 1 - bureaus - divisions
        ids = [root_id]
        paths = [f"/{root_id}/"]
        parents = [None]
        names = [None]
        weights = [0.5]
        next_id = root_id + 1
        children = {}

        def add(parent_index, base_names, suffix):
            nonlocal next_id
            taken = children.setdefault(parent_index, 0)
            children[parent_index] = taken + 1
            name = base_names[taken] if taken < len(base_names) else f"第{taken + 1}{suffix}"
            ids.append(next_id)
            parents.append(parent_index)
            names.append(name)
            paths.append(f"{paths[parent_index]}{next_id}/")
            next_id += 1
            return len(ids) - 1

        bureau_indexes = [add(0, BUREAUS, "局") for _ in range(bureaus)]
        for index in bureau_indexes:
            weights.append(0.5 * rng.lognormvariate(0, 0.4))
        division_indexes = []
        for n in range(divisions):
            parent = bureau_indexes[n] if n < bureaus else rng.choice(bureau_indexes)
            division_indexes.append(add(parent, DIVISIONS, "处"))
            weights.append(0.5 * rng.lognormvariate(0, 0.5))
        for n in range(offices):
            parent = division_indexes[n] if n < divisions else rng.choice(division_indexes)
            add(parent, OFFICES, "科")
            weights.append(rng.lognormvariate(0, 0.6))
        created = self.now - 3 * 365 * DAY
        rows = ((ids[i], ids[parents[i]], names[i], paths[i], created) for i in range(1, len(ids)))
        self.db.executemany("INSERT INTO departments (id, parent_id, name, id_path, created_at) VALUES (?, ?, ?, ?, ?)",
                            rows)
        self.counts["departments"] = len(ids)
        self.counts["bureaus / divisions / offices"] = f"{bureaus} / {divisions} / {offices}"
        return ids, weights

    def plan_people(self, department_ids, weights):
        """Department, state and finals per person, and practice attempts that make the total exact."""
        rng = self.rng
        people = self.args.people
        first = 2  # user 1 is the HR account created by the binary
        learners = people - 1
        cumulative = []
        running = 0.0
        for weight in weights:
            running += weight
            cumulative.append(running)
        departments = array("i", (department_ids[i] for i in rng.choices(range(len(department_ids)),
                                                                             cum_weights=cumulative, k=learners)))
        state_weights = [share for _, share in STATE_MIX]
        states = bytearray(rng.choices(range(len(STATES)), weights=state_weights, k=learners))
        # finals: 3 bits per course (attempt count, passed flag) for the 3 programme courses and the refresher
        finals = array("H", bytes(2 * learners))
        engaged = bytearray(learners)
        renewed = bytearray(learners)
        mandatory = 0
        for i in range(learners):
            state = states[i]
            if state == NOT_STARTED:
                continue
            packed = 0
            mask = 0
            if state in HOLDERS:
                mask = 0b111
                if state == CERTIFIED and rng.random() < 0.2:
                    renewed[i] = 1
                    mask |= 0b1000
                for course in range(4 if renewed[i] else 3):
                    count = rng.choices((1, 2, 3), (0.7, 0.2, 0.1))[0]
                    packed |= (count | 4) << (3 * course)
                    mandatory += count
            else:
                courses = rng.sample(range(3), rng.randint(1, 3))
                passed_left = len(courses) - 1 if len(courses) == 3 else len(courses)
                for course in courses:
                    mask |= 1 << course
                    if passed_left > 0 and rng.random() < 0.5:
                        passed_left -= 1
                        count = rng.choices((1, 2, 3), (0.7, 0.2, 0.1))[0]
                        packed |= (count | 4) << (3 * course)
                    else:
                        count = rng.choices((0, 1, 2), (0.6, 0.3, 0.1))[0]
                        packed |= count << (3 * course)
                    mandatory += count
            finals[i] = packed
            engaged[i] = mask
        remaining = self.args.attempts - mandatory
        if remaining < 0:
            log(f"warning: {mandatory} final-exam attempts exceed --attempts; trimming")
        practice = array("H", bytes(2 * learners))
        candidates = [i for i in range(learners) if engaged[i]]
        if remaining > 0 and candidates:
            mean = remaining / len(candidates)
            total = 0
            for i in candidates:
                value = max(0, int(rng.gauss(mean, mean * 0.6) + 0.5))
                practice[i] = min(value, 60_000)
                total += practice[i]
            difference = remaining - total
            while difference != 0:
                i = rng.choice(candidates)
                if difference > 0 and practice[i] < 60_000:
                    practice[i] += 1
                    difference -= 1
                elif difference < 0 and practice[i] > 0:
                    practice[i] -= 1
                    difference += 1
        elif remaining > 0:
            log("warning: nobody is engaged in a course, so no practice attempts are generated")
        disabled = bytearray(1 if rng.random() < self.args.disabled_share else 0 for _ in range(learners))
        return first, departments, states, finals, engaged, renewed, practice, disabled

    def load(self, plan):
        first, departments, states, finals, engaged, renewed, practice, disabled = plan
        rng = self.rng
        now = self.now
        db = self.db
        learners = len(states)
        all_courses = PROGRAM_COURSES + [REFRESHER]
        catalogue = self.catalogue
        paper = json.dumps({"version": 1, "questions": [{"id": "q1", "kind": "choice", "options": ["a", "b", "c", "d"]}]},
                           separators=(",", ":"))
        header = base64.urlsafe_b64encode(b'{"alg":"RS256","typ":"JWT","kid":"academy-1"}').rstrip(b"=").decode()
        signature = base64.urlsafe_b64encode(bytes(256)).rstrip(b"=").decode()
        budget = self.args.attempts
        counts = {"users": 0, "role_grants": 0, "certifications": 0, "certificates": 0, "quiz_attempts": 0,
                  "hours_ledger": 0}
        chunk = 20_000
        attempt = self.attempt
        random_ = rng.random
        year_of = self.year_of
        for start in range(0, learners, chunk):
            users, grants, certifications, certificates, attempts, ledger = [], [], [], [], [], []
            for i in range(start, min(start + chunk, learners)):
                user_id = first + i
                department = departments[i]
                created = now - rng.uniform(200, 3 * 365) * DAY
                name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
                users.append((user_id, f"p{user_id:07d}", name, f"E{user_id:08d}", department, "!x", disabled[i],
                               created, created))
                grants.append((user_id, "learner", department))
                state = states[i]
                if state == NOT_STARTED:
                    continue
                # anchor: when the finals were passed (holders) or the latest activity (in progress)
                certified_at = expires_at = window = certificate_id = None
                refresher_at = None
                # Every date is at least STABLE_DAYS from the reference time, so the server's certification sweep
                # (windows opening, expiries) has nobody to move for that long after generation.
                if state == CERTIFIED:
                    expires_at = now + rng.uniform(90 + STABLE_DAYS, 729) * DAY
                elif state == DUE:
                    expires_at = now + rng.uniform(STABLE_DAYS, 90) * DAY
                elif state == EXPIRED:
                    expires_at = now - rng.uniform(1, 700) * DAY
                elif state == REVOKED:
                    expires_at = now + rng.uniform(30, 700) * DAY
                if state in HOLDERS:
                    cycles = 2 if renewed[i] else 1
                    initial_at = expires_at - cycles * VALIDITY
                    anchor = initial_at
                    window = expires_at - WINDOW
                    certificate_id = token(rng)
                    if renewed[i]:
                        refresher_at = initial_at + VALIDITY - rng.uniform(1, 89) * DAY
                        earlier = token(rng)
                        certificates.append(self.certificate(earlier, user_id, "initial", initial_at,
                                                             initial_at + VALIDITY, None, header, signature))
                        certified_at = refresher_at
                        kind = "renewal"
                    else:
                        certified_at = initial_at
                        kind = "initial"
                    revoked_at = None
                    if state == REVOKED:
                        revoked_at = rng.uniform(certified_at, now)
                    certificates.append(self.certificate(certificate_id, user_id, kind, certified_at, expires_at,
                                                         revoked_at, header, signature))
                else:
                    anchor = now - rng.uniform(0, 300) * DAY
                updated = max(certified_at or anchor, now - 30 * DAY)
                certifications.append((user_id, PROGRAM_ID, department, STATES[state], certified_at, expires_at,
                                       window, certificate_id, updated))
                # attempts and hours
                packed = finals[i]
                mask = engaged[i]
                quizzes = []
                for course_index, course_id in enumerate(all_courses):
                    if not mask & (1 << course_index):
                        continue
                    course = catalogue[course_id]
                    at_final = refresher_at if course_id == REFRESHER else anchor
                    began = at_final - rng.uniform(5, 120) * DAY
                    bits = (packed >> (3 * course_index)) & 7
                    count, passed = bits & 3, bool(bits & 4)
                    for number in range(1, count + 1):
                        started = at_final - (count - number) * rng.uniform(0.2, 5) * DAY - rng.uniform(600, 1800)
                        success = passed and number == count
                        attempts.append(attempt(rng, user_id, course_id, course["final"], number,
                                                course["hash"][course["final"]], paper, started, 1800, success,
                                                started > now - DAY and not success))
                    if passed:
                        pass_year = year_of(at_final)
                        if course["quiz_hours"] > 0:
                            ledger.append((user_id, pass_year, "quiz", course_id, course["final"], course["quiz_hours"],
                                           at_final))
                    for module_id, hours in course["modules"]:
                        if passed or rng.random() < 0.7:
                            at = rng.uniform(began, at_final)
                            ledger.append((user_id, year_of(at), "module", course_id, module_id, hours, at))
                    quizzes.extend((course_id, quiz, course["hash"][quiz], began, at_final - began)
                                   for quiz in course["practice"])
                if quizzes and practice[i]:
                    choices = len(quizzes)
                    times = sorted((int(random_() * choices), random_()) for _ in range(practice[i]))
                    numbers = [0] * choices
                    for which, fraction in times:
                        course_id, quiz, quiz_hash, began, span = quizzes[which]
                        numbers[which] += 1
                        attempts.append(attempt(rng, user_id, course_id, quiz, numbers[which], quiz_hash, paper,
                                                began + span * fraction, None, random_() < 0.8, False))
            if len(attempts) > budget:
                attempts = attempts[:budget]
            budget -= len(attempts)
            db.executemany("""INSERT INTO users (id, login, display_name, employee_number, department_id, password_hash,
                              disabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", users)
            db.executemany("INSERT INTO role_grants (user_id, role, department_id) VALUES (?, ?, ?)", grants)
            db.executemany("""INSERT INTO certifications (user_id, program_id, department_id, state, certified_at,
                              expires_at, window_opens_at, certificate_id, updated_at)
                              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", certifications)
            db.executemany("""INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, revoked_at,
                              revoked_reason, revoked_by, credential) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                           certificates)
            db.executemany("""INSERT INTO quiz_attempts (id, user_id, course_id, quiz_id, number, quiz_hash, paper,
                              started_at, deadline, closed_at, mark, max_mark, fraction, passed)
                              VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", attempts)
            db.executemany("""INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)
                              VALUES (?, ?, ?, ?, ?, ?, ?)""", ledger)
            for key, rows in (("users", users), ("role_grants", grants), ("certifications", certifications),
                              ("certificates", certificates), ("quiz_attempts", attempts), ("hours_ledger", ledger)):
                counts[key] += len(rows)
            done = min(start + chunk, learners)
            if done % 100_000 < chunk or done == learners:
                log(f"  {done:,} people, {counts['quiz_attempts']:,} attempts, {counts['hours_ledger']:,} ledger rows")
        self.counts.update(counts)

    def certificate(self, certificate_id, user_id, kind, issued, expires, revoked_at, header, signature):
        payload = json.dumps({"iss": "https://academy.example.gov.cn", "sub": f"urn:uuid:user-{user_id}",
                              "jti": f"urn:uuid:{certificate_id}", "program": PROGRAM_ID, "iat": int(issued),
                              "exp": int(expires)}, separators=(",", ":")).encode()
        credential = f"{header}.{base64.urlsafe_b64encode(payload).rstrip(b'=').decode()}.{signature}"
        reason = by = None
        if revoked_at is not None:
            reason, by = "record withdrawn after review", "hr:audit"
        return (certificate_id, user_id, PROGRAM_ID, kind, issued, expires, revoked_at, reason, by, credential)

    @staticmethod
    def attempt(rng, user_id, course_id, quiz_id, number, quiz_hash, paper, started, limit, success, still_open):
        """One attempt row: finals are marked out of 16 with a deadline, practice quizzes out of 5; 80 % passes."""
        if limit:
            deadline, max_mark = started + limit, 16.0
            mark = float(13 + int(rng.random() * 4)) if success else float(3 + int(rng.random() * 10))
        else:
            deadline, max_mark = None, 5.0
            mark = float(4 + int(rng.random() * 2)) if success else float(int(rng.random() * 4))
        if still_open:
            return (token(rng), user_id, course_id, quiz_id, number, quiz_hash, paper, started, deadline, None, None,
                    max_mark, None, None)
        closed = started + 300 + rng.random() * ((limit or 1200) - 300)
        return (token(rng), user_id, course_id, quiz_id, number, quiz_hash, paper, started, deadline, closed, mark,
                max_mark, mark / max_mark, 1 if success else 0)

def main():
    args = parse_args()
    began = time.monotonic()
    db_path = os.path.abspath(args.db)
    if os.path.exists(db_path):
        if not args.force:
            sys.exit(f"error: {db_path} exists (use --force to replace it)")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db_path + suffix):
                os.remove(db_path + suffix)
    os.makedirs(os.path.dirname(db_path), exist_ok=True)

    log("creating the schema and the HR account with training-server")
    run([args.server, "departments", "list", "--db", db_path])
    run([args.server, "users", "add", "--db", db_path, "--login", args.hr_login, "--name", "人事处（基准测试）",
         "--role", "hr", "--department", args.root_name, "--password-stdin"], stdin=args.hr_password + "\n")

    db = sqlite3.connect(db_path, isolation_level=None)
    (root_id,) = db.execute("SELECT id FROM departments WHERE parent_id IS NULL AND name = ?", (args.root_name,)).fetchone()
    (hr_id,) = db.execute("SELECT id FROM users WHERE login = ?", (args.hr_login,)).fetchone()
    if (root_id, hr_id) != (1, 1):
        sys.exit("error: expected the root department and the HR account to be the first rows")
    db.execute("PRAGMA journal_mode = MEMORY")
    db.execute("PRAGMA synchronous = OFF")
    db.execute(f"PRAGMA cache_size = -{args.cache_mb * 1024}")
    db.execute("PRAGMA temp_store = MEMORY")
    triggers = dict(db.execute(f"""SELECT name, sql FROM sqlite_master WHERE type = 'trigger'
                                   AND name IN ({','.join('?' * len(INSERT_TRIGGERS))})""", INSERT_TRIGGERS))
    if sorted(triggers) != sorted(INSERT_TRIGGERS):
        sys.exit(f"error: the schema's insert triggers changed: found {sorted(triggers)}")

    generator = Generator(args, db)
    db.execute("BEGIN")
    for name in INSERT_TRIGGERS:
        db.execute(f"DROP TRIGGER {name}")
    log("departments")
    department_ids, weights = generator.departments(root_id)
    log("planning people, states and attempts")
    plan = generator.plan_people(department_ids, weights)
    log("people, grants, certifications, certificates, attempts, hours")
    generator.load(plan)

    log("aggregates")
    db.execute("DELETE FROM department_people")
    db.execute("""INSERT INTO department_people (department_id, people)
                  SELECT department_id, count(*) FROM users WHERE disabled = 0 GROUP BY department_id""")
    db.execute("DELETE FROM certification_counts")
    db.execute("""INSERT INTO certification_counts (program_id, department_id, state, people)
                  SELECT c.program_id, c.department_id, c.state, count(*) FROM certifications c
                  JOIN users u ON u.id = c.user_id WHERE u.disabled = 0
                  GROUP BY c.program_id, c.department_id, c.state""")
    db.execute("DELETE FROM user_year_hours")
    db.execute("""INSERT INTO user_year_hours (user_id, year, hours)
                  SELECT user_id, year, sum(hours) FROM hours_ledger GROUP BY user_id, year""")
    db.execute("DELETE FROM user_name_characters")
    db.execute("""INSERT OR IGNORE INTO user_name_characters (character, user_id)
                  SELECT substr(u.display_name || u.login, p.n, 1), u.id
                  FROM users u JOIN search_positions p ON p.n <= length(u.display_name || u.login)
                  WHERE unicode(substr(u.display_name || u.login, p.n, 1)) > 127""")
    for name in INSERT_TRIGGERS:
        db.execute(triggers[name])
    db.execute("COMMIT")
    loaded = time.monotonic() - began

    db.execute("PRAGMA journal_mode = WAL")
    log("checking (integrity_check, foreign_key_check)")
    integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
    foreign = db.execute("PRAGMA foreign_key_check").fetchmany(5)
    db.close()
    if integrity != ["ok"] or foreign:
        sys.exit(f"error: integrity_check {integrity[:5]}, foreign_key_check {foreign}")
    total = time.monotonic() - began
    size = os.path.getsize(db_path)

    counts = generator.counts
    counts["users"] += 1
    counts["role_grants"] += 2
    print(f"database: {db_path}")
    print(f"reference time: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(generator.now))}")
    for key, value in counts.items():
        print(f"{key}: {value:,}" if isinstance(value, int) else f"{key}: {value}")
    print(f"HR account: {args.hr_login} (hr on {args.root_name}, department id {root_id})")
    print(f"load: {loaded:.0f} s, with checks: {total:.0f} s; file size: {size / 1e9:.2f} GB ({size:,} bytes)")
    print("integrity_check: ok; foreign_key_check: no violations")


if __name__ == "__main__":
    main()
