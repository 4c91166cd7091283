"""The command line as an operator meets it: plain messages for runtime problems (no usage text), tables whose
columns line up on a terminal with Chinese text, and output files that are never overwritten by accident."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from conftest import BINARY, COURSES, REPO, STRONG_PASSWORD

GIFT = REPO / "Tests" / "CurriculumTests" / "Fixtures" / "Valid" / "security" / "quizzes" / "bank.gift"
QUIZ = REPO / "Tests" / "CurriculumTests" / "Fixtures" / "Valid" / "security" / "quizzes" / "final-exam.yaml"


def cli(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Runs `training-server <args>` in `cwd` (so relative defaults such as `Courses` resolve there)."""
    return subprocess.run([str(BINARY), *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=60)


def width(text: str) -> int:
    """Terminal columns: East Asian Wide and Fullwidth characters take two, combining marks none."""
    total = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def column_starts(header: str) -> list[int]:
    """The screen column where each header word starts (header words hold no spaces)."""
    return [width(header[:match.start()]) for match in re.finditer(r"\S+", header)]


def cells(line: str, starts: list[int]) -> list[str]:
    """Cuts `line` at screen columns `starts`; a cut inside a wide character would mean misalignment."""
    result, position, current, index = [], 0, "", 0
    for char in line:
        while index + 1 < len(starts) and position >= starts[index + 1]:
            result.append(current)
            current, index = "", index + 1
        assert index + 1 >= len(starts) or position + width(char) <= starts[index + 1], f"misaligned: {line!r}"
        current += char
        position += width(char)
    result.append(current)
    result += [""] * (len(starts) - len(result))
    return [cell.strip() for cell in result]


def assert_plain_failure(done: subprocess.CompletedProcess[str], message: str) -> None:
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert message in output, output
    assert "Usage:" not in output and "USAGE" not in output, output
    assert ":1:1:" not in output and "NSCocoaErrorDomain" not in output, output


# --- course folders -------------------------------------------------------------------------------------


def test_lint_of_a_missing_folder_says_so(tmp_path):
    done = cli(tmp_path, "lint", "/nonexistent")
    assert_plain_failure(done, "course folder not found: /nonexistent")
    (tmp_path / "file.txt").write_text("x")
    assert_plain_failure(cli(tmp_path, "lint", "file.txt"), "not a folder: file.txt")


def test_every_command_that_takes_a_course_folder_names_a_missing_one(tmp_path):
    db = str(tmp_path / "db.sqlite")
    commands = [
        ["lint"],
        ["report", "summary", "--as", "demo-hr", "--db", db],
        ["report", "people", "--as", "demo-hr", "--db", db],
        ["regrade", "--quiz", "info-security/final-exam", "--db", db],
        ["serve", "--port", "0", "--db", db],
        ["load-courses"],
        ["fuzz-curriculum", "--cases", "1", "--corpus", "Courses"],
    ]
    for command in commands:
        assert_plain_failure(cli(tmp_path, *command), "course folder not found: Courses")
    # Nothing was created on the way.
    assert not (tmp_path / "db.sqlite").exists()


def test_a_course_folder_with_errors_lists_them_without_usage(tmp_path):
    broken = tmp_path / "Courses"
    shutil.copytree(COURSES, broken)
    course = next(path for path in sorted(broken.iterdir()) if (path / "course.yaml").exists())
    (course / "course.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    done = cli(tmp_path, "report", "summary", "--as", "demo-hr", "--db", str(tmp_path / "db.sqlite"))
    assert_plain_failure(done, "the course files in Courses have errors")
    assert "course.yaml:" in done.stderr


def test_runtime_problems_print_no_usage_line(tmp_path):
    db = str(tmp_path / "db.sqlite")
    # A mistyped database is named, and not created empty.
    for command in (["users", "list"], ["users", "disable", "--login", "nobody"], ["verify-audit"],
                    ["tokens", "create", "--login", "nobody"],
                    ["report", "summary", "--as", "nobody", "--courses", str(COURSES)]):
        assert_plain_failure(cli(tmp_path, *command, "--db", db), f"database not found: {db}")
    assert not Path(db).exists()
    assert cli(tmp_path, "departments", "add", "省政府", "--db", db).returncode == 0
    assert_plain_failure(cli(tmp_path, "users", "disable", "--login", "nobody", "--db", db), "no account nobody")
    assert_plain_failure(cli(tmp_path, "report", "summary", "--as", "nobody", "--courses", str(COURSES), "--db", db),
                         "no active account nobody")
    assert_plain_failure(cli(tmp_path, "import-staff", "missing.csv", "--db", db), "file not found: missing.csv")
    # A mistake in the command line itself still shows how to use the command.
    wrong = cli(tmp_path, "import-gift", str(GIFT), "--language", "fr")
    assert wrong.returncode != 0 and "Usage:" in wrong.stderr, wrong.stderr


# --- tables ---------------------------------------------------------------------------------------------


def test_tables_line_up_by_display_width(tmp_path):
    db = str(tmp_path / "db.sqlite")

    def run(*args: str, stdin: str | None = None) -> str:
        done = cli(tmp_path, *args, "--db", db, stdin=stdin)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    run("users", "add", "--login", "wang.my", "--name", "王明远", "--department", "省政府/数据局", "--role", "hr",
        "--employee-number", "E-1", "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    run("users", "add", "--login", "li", "--name", "Ｌｉ Xiao", "--department", "Province/IT", "--password-stdin",
        stdin=STRONG_PASSWORD + "\n")
    run("users", "add", "--login", "zhao.e", "--name", "Zoe\u0301", "--department", "省政府/数据局",
        "--employee-number", "E-3", "--password-stdin", stdin=STRONG_PASSWORD + "\n")

    users = run("users", "list").splitlines()
    starts = column_starts(users[0])
    assert users[0].split() == ["login", "name", "department", "roles", "state"]
    rows = {cells(line, starts)[0]: cells(line, starts) for line in users[1:]}
    assert rows["wang.my"] == ["wang.my", "王明远", "省政府 / 数据局", "learner,hr", "active"]
    assert rows["li"] == ["li", "Ｌｉ Xiao", "Province / IT", "learner", "active"]
    assert rows["zhao.e"] == ["zhao.e", "Zoe\u0301", "省政府 / 数据局", "learner", "active"]
    assert all(not line.endswith(" ") for line in users)

    departments = run("departments", "list").splitlines()
    starts = column_starts(departments[0])
    assert [cells(line, starts)[1] for line in departments[1:]] == ["Province", "Province / IT", "省政府", "省政府 / 数据局"]

    people = run("report", "people", "--as", "wang.my", "--courses", str(COURSES)).splitlines()
    starts = column_starts(people[0])
    header = people[0].split()
    found = {}
    for line in people[1:]:
        row = dict(zip(header, cells(line, starts)))
        found[row["login"]] = row
    assert set(found) == {"wang.my", "zhao.e"}
    assert found["wang.my"]["name"] == "王明远" and found["wang.my"]["employee_number"] == "E-1"
    assert found["zhao.e"]["department"] == "省政府 / 数据局" and found["zhao.e"]["state"] == "not_started"

    summary = run("report", "summary", "--as", "wang.my", "--courses", str(COURSES)).splitlines()
    starts = column_starts(summary[1])
    rows = [cells(line, starts) for line in summary[2:]]
    total = next(row for row in rows if row[0].startswith("total"))
    assert total[0] == "total (省政府 / 数据局)" and total[1] == "2", summary
    # The department's own people get their row (the sub-departments' rows and it add up to the total).
    direct = next(row for row in rows if row[0].endswith("(direct)"))
    assert direct[0] == "省政府 / 数据局 (direct)" and direct[1] == "2", summary


# --- GIFT output files ----------------------------------------------------------------------------------


def test_import_gift_refuses_an_existing_output_before_any_work(tmp_path):
    out = tmp_path / "quiz.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    done = cli(tmp_path, "import-gift", str(GIFT), "-o", "quiz.yaml")
    assert_plain_failure(done, "quiz.yaml exists; use --force to overwrite")
    assert done.stderr.strip().splitlines() == ["Error: quiz.yaml exists; use --force to overwrite"]
    assert out.read_text(encoding="utf-8") == "keep me\n"

    forced = cli(tmp_path, "import-gift", str(GIFT), "-o", "quiz.yaml", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "wrote" in forced.stdout and "id: quiz" in out.read_text(encoding="utf-8")


def test_export_gift_refuses_an_existing_output_before_any_work(tmp_path):
    out = tmp_path / "bank.gift"
    out.write_text("keep me\n", encoding="utf-8")
    done = cli(tmp_path, "export-gift", str(QUIZ), "-o", "bank.gift")
    assert_plain_failure(done, "bank.gift exists; use --force to overwrite")
    assert done.stderr.strip().splitlines() == ["Error: bank.gift exists; use --force to overwrite"]
    assert out.read_text(encoding="utf-8") == "keep me\n"

    forced = cli(tmp_path, "export-gift", str(QUIZ), "-o", "bank.gift", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "::" in out.read_text(encoding="utf-8")

    fresh = cli(tmp_path, "export-gift", str(QUIZ), "-o", "new.gift")
    assert fresh.returncode == 0 and (tmp_path / "new.gift").exists(), fresh.stderr
    assert_plain_failure(cli(tmp_path, "export-gift", str(QUIZ), "-o", "missing/new.gift"),
                         "cannot write missing/new.gift: folder not found")
