"""Staff files as HR offices send them, made by the tools that make them: CSV that Excel in a Chinese locale saves
(GB18030), "Unicode text" (UTF-16 with a byte-order mark), and .xlsx workbooks (written here by openpyxl), imported
with the real binary. The people and departments created are read back with `users list`. (openpyxl writes
inline strings; workbooks with shared strings, as Excel writes them, are covered by the Swift XLSXReader tests.)"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import openpyxl

from conftest import run_cli

HEADER = "employee_number,login,name,department,roles,status,time_factor"
ROWS = [
    "00123,zhang.san,张三,省人民政府/省数据局/综合处,hr,在职,",
    "123,li.si,李四,省人民政府/省数据局/安全处,,,1.5",
    "E-9,wang.wu,王五,省人民政府/人力资源和社会保障厅,,,",
]


def csv_text(rows: list[str]) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


def users(db: Path) -> dict[str, list[str]]:
    """`users list` as {login: [name, department, roles, state]}."""
    lines = run_cli(db, "users", "list").stdout.splitlines()
    rows = [re.split(r"\s{2,}", line.strip()) for line in lines[1:] if line.strip()]
    return {row[0]: row[1:] for row in rows}


def departments(db: Path) -> str:
    return run_cli(db, "departments", "list").stdout


def import_staff(db: Path, path: Path, *extra: str, check: bool = True):
    return run_cli(db, "import-staff", str(path), *extra, check=check)


def assert_people_created(db: Path) -> None:
    people = users(db)
    assert set(people) == {"zhang.san", "li.si", "wang.wu"}, people
    assert people["zhang.san"] == ["张三", "省人民政府 / 省数据局 / 综合处", "learner,hr", "active"], people
    assert people["li.si"] == ["李四", "省人民政府 / 省数据局 / 安全处", "learner", "active"], people
    assert people["wang.wu"] == ["王五", "省人民政府 / 人力资源和社会保障厅", "learner", "active"], people
    tree = departments(db)
    for name in ("省人民政府", "省数据局", "综合处", "安全处", "人力资源和社会保障厅"):
        assert name in tree, tree


def assert_unchanged_by_utf8_csv(db: Path, tmp_path: Path) -> None:
    """The same people as UTF-8 CSV match everyone by employee number: 00123 stayed 00123, 123 stayed 123."""
    same = tmp_path / "same.csv"
    same.write_text(csv_text(ROWS), encoding="utf-8")
    done = import_staff(db, same, "--dry-run")
    assert "0 to create, 0 to update, 0 to disable, 3 unchanged, 0 new departments" in done.stdout, done.stdout


def test_gb18030_csv_as_excel_saves_it_in_a_chinese_locale(tmp_path):
    db = tmp_path / "db.sqlite"
    staff = tmp_path / "人员.csv"
    staff.write_bytes(csv_text(ROWS).encode("gb18030"))
    # Forcing the wrong encoding is refused at the first line that does not decode, and changes nothing.
    wrong = import_staff(db, staff, "--encoding", "utf-8", check=False)
    assert wrong.returncode == 1, wrong.stdout + wrong.stderr
    assert f"{staff}:2: error: the file is not valid UTF-8 text" in wrong.stdout, wrong.stdout
    assert "nothing was changed" in wrong.stdout
    done = import_staff(db, staff)
    assert "create 00123 zhang.san 张三 in 省人民政府/省数据局/综合处" in done.stdout, done.stdout
    assert "3 to create" in done.stdout and done.stdout.rstrip().endswith("imported"), done.stdout
    assert_people_created(db)
    assert_unchanged_by_utf8_csv(db, tmp_path)


def test_gb18030_csv_with_a_bad_row_names_its_line(tmp_path):
    db = tmp_path / "db.sqlite"
    staff = tmp_path / "staff.csv"
    staff.write_bytes(csv_text([*ROWS, "E-10,zhao.liu,赵六,省人民政府,主任,,"]).encode("gb18030"))
    done = import_staff(db, staff, check=False)
    assert done.returncode == 1
    assert f"{staff}:5: error: unknown role '主任'; use learner, trainer, hr or admin" in done.stdout, done.stdout
    assert "nothing was changed" in done.stdout
    assert users(db) == {}


def test_bytes_of_no_known_encoding_name_the_encodings_tried(tmp_path):
    db = tmp_path / "db.sqlite"
    staff = tmp_path / "staff.csv"
    staff.write_bytes(csv_text(ROWS).encode("gb18030") + b"\xff\xfe\xff,x\r\n")
    done = import_staff(db, staff, check=False)
    assert done.returncode == 1
    assert (f"{staff}:5: error: this line is not valid GB18030 (tried UTF-8, UTF-16 and GB18030); "
            "save the file as UTF-8 CSV, or name its encoding with --encoding") in done.stdout, done.stdout


def test_utf16_csv_with_a_byte_order_mark_in_either_byte_order(tmp_path):
    for encoding in ("utf-16-le", "utf-16-be"):
        db = tmp_path / f"{encoding}.sqlite"
        staff = tmp_path / f"{encoding}.csv"
        staff.write_bytes(("\ufeff" + csv_text(ROWS)).encode(encoding))
        assert staff.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
        import_staff(db, staff)
        assert_people_created(db)
        assert_unchanged_by_utf8_csv(db, tmp_path)
    # A bad row is named by its line, as in UTF-8.
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text([ROWS[0], "123,li.si,李四,省人民政府,,,9"]), encoding="utf-16")
    done = import_staff(tmp_path / "bad.sqlite", bad, check=False)
    assert f"{bad}:3: error: time_factor must be a number from 1 to 4" in done.stdout, done.stdout


def workbook(path: Path, *, bad_row: bool) -> None:
    """A workbook as an HR system exports it: a Chinese sheet name, an employee number stored as text
    with leading zeros, a numeric employee number and time factor, and a second sheet that is not read."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员名单"
    sheet.append(HEADER.split(","))
    sheet.append(["00123", "zhang.san", "张三", "省人民政府/省数据局/综合处", "hr", "在职", None])
    sheet.append([123, "li.si", "李四", "省人民政府/省数据局/安全处", None, None, 1.5])
    if bad_row:
        # Someone typed the leaving date into the status column: a date cell.
        sheet.append(["E-10", "zhao.liu", "赵六", "省人民政府", None, datetime.date(2024, 3, 1), None])
    sheet.append(["E-9", "wang.wu", "王五", "省人民政府/人力资源和社会保障厅"])
    assert sheet["A2"].data_type == "s" and sheet["A3"].data_type == "n" and sheet["G3"].data_type == "n"
    notes = book.create_sheet("说明")
    notes.append(["this sheet is not read"])
    book.save(path)


def test_xlsx_from_openpyxl(tmp_path):
    db = tmp_path / "db.sqlite"
    staff = tmp_path / "人员.xlsx"
    workbook(staff, bad_row=True)
    done = import_staff(db, staff, check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    # The date cell reads as an ISO date, and the problem names its sheet row.
    assert f"{staff}:4: error: status '2024-03-01' is not active or left" in done.stdout, done.stdout
    assert "1 problem; nothing was changed" in done.stdout, done.stdout
    assert users(db) == {}

    workbook(staff, bad_row=False)
    done = import_staff(db, staff)
    assert "create 00123 zhang.san 张三 in 省人民政府/省数据局/综合处" in done.stdout, done.stdout
    assert "create 123 li.si 李四 in 省人民政府/省数据局/安全处" in done.stdout, done.stdout
    assert "3 to create" in done.stdout, done.stdout
    assert_people_created(db)
    assert_unchanged_by_utf8_csv(db, tmp_path)
    # The numeric time factor 1.5 was stored: the same file again changes nothing.
    again = import_staff(db, staff, "--dry-run")
    assert "3 unchanged" in again.stdout, again.stdout


def test_workbook_problems(tmp_path):
    db = tmp_path / "db.sqlite"
    staff = tmp_path / "staff.xlsx"
    workbook(staff, bad_row=False)
    refused = import_staff(db, staff, "--encoding", "gb18030", check=False)
    assert refused.returncode == 1
    assert f"{staff} is an Excel workbook; --encoding applies to CSV files only" in refused.stdout + refused.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(staff.read_bytes()[:200])
    done = import_staff(db, broken, check=False)
    assert done.returncode == 1
    assert f"{broken}: error: the zip archive has no central directory (the file is cut short or damaged)" in done.stdout, \
        done.stdout
