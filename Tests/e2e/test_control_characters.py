"""Names, logins, departments and employee numbers with line breaks, NUL or other control characters are refused
by `users add` and `import-staff` with a clear error and nothing written; a `left` row for an employee number the
platform does not have is reported as a warning that does not stop the import."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import STRONG_PASSWORD, run_cli

HEADER = "employee_number,login,name,department,roles,status,time_factor"


def logins(db: Path) -> list[str]:
    lines = run_cli(db, "users", "list").stdout.splitlines()
    return [line.split()[0] for line in lines[1:] if line.strip()]


@pytest.mark.parametrize("option,value,shown", [
    ("--name", "张三\n管理员", "U+000A"),
    ("--name", "张三\u2028", "U+2028"),
    ("--name", "张三\u0085", "U+0085"),
    ("--login", "zhang\x1bsan", "U+001B"),
    ("--department", "省人民政府/综合处\r", "U+000D"),
])
def test_users_add_refuses_control_characters(tmp_path: Path, option: str, value: str, shown: str) -> None:
    db = tmp_path / "academy.sqlite"
    run_cli(db, "departments", "add", "省人民政府")
    arguments = {"--login": "zhang.san", "--name": "张三", "--department": "省人民政府", option: value}
    done = run_cli(db, "users", "add", *[part for pair in arguments.items() for part in pair], "--password-stdin",
                   stdin=STRONG_PASSWORD + "\n", check=False)
    assert done.returncode != 0, done.stdout
    errors = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and option in errors[0] and shown in errors[0], done.stderr
    assert logins(db) == []
    assert "综合处" not in run_cli(db, "departments", "list").stdout


def test_import_staff_refuses_control_characters_line_by_line(tmp_path: Path) -> None:
    db = tmp_path / "academy.sqlite"
    staff = tmp_path / "staff.csv"
    rows = [
        "001,zhang.san,张三,省人民政府/综合处,,,",
        "002,li.si,\"李四\n管理员\",省人民政府/综合处,,,",
        "003,wang.wu,王五,省人民政府/综合处,,,",
        "004,zhao\u2029liu,赵六,省人民政府/综合处,,,",
        "005,qian.qi,钱七,省人民政府/综\x7f合处,,,",
    ]
    staff.write_bytes(("\n".join([HEADER, *rows]) + "\n").encode("utf-8"))
    done = run_cli(db, "import-staff", str(staff), check=False)
    assert done.returncode == 1, done.stdout
    assert f"{staff}:3: error: name contains the control character U+000A" in done.stdout, done.stdout
    assert f"{staff}:6: error: login contains the control character U+2029" in done.stdout, done.stdout
    assert f"{staff}:7: error: department contains the control character U+007F" in done.stdout, done.stdout
    assert f"{staff}:2:" not in done.stdout and f"{staff}:5:" not in done.stdout, done.stdout
    assert "nothing was changed" in done.stdout
    assert logins(db) == []


def test_import_staff_refuses_nul(tmp_path: Path) -> None:
    # Detection takes NUL bytes for UTF-16 and refuses the file; named as UTF-8, the NUL reaches the row checks.
    db = tmp_path / "academy.sqlite"
    staff = tmp_path / "staff.csv"
    staff.write_bytes(("\n".join([HEADER, "001,zhang.san,张三\x00,省人民政府/综合处,,,"]) + "\n").encode("utf-8"))
    done = run_cli(db, "import-staff", str(staff), "--encoding", "utf-8", check=False)
    assert done.returncode == 1, done.stdout
    assert f"{staff}:2: error: name contains the control character U+0000" in done.stdout, done.stdout
    assert logins(db) == []


def test_a_left_row_for_an_unknown_employee_is_a_warning(tmp_path: Path) -> None:
    db = tmp_path / "academy.sqlite"
    staff = tmp_path / "staff.csv"
    staff.write_text("\n".join([HEADER, "001,zhang.san,张三,省人民政府/综合处,,,", "999,,无名,省人民政府,,left,"]) + "\n",
                     encoding="utf-8")
    done = run_cli(db, "import-staff", str(staff))
    assert f"{staff}:3: warning: employee number 999 is marked left but is not on the platform" in done.stdout, done.stdout
    assert "1 to create, 0 to update, 0 to disable, 0 unchanged, 2 new departments, 1 warning" in done.stdout, done.stdout
    assert "imported" in done.stdout
    assert logins(db) == ["zhang.san"]
