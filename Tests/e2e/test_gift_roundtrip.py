"""Moodle GIFT banks through the real `import-gift` and `export-gift` commands: what a Moodle user wrote (titles,
categories, `[markdown]`) survives import -> export -> import, warnings stay readable, and files that are not
UTF-8 get the right conversion hint."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import BINARY, COURSES, REPO

SHARED_GIFT = REPO.parent / "shared" / "gift"

BANK = """\
// 保密基础题库
::开头::未分类的题目{T}

$CATEGORY: $course$/保密/基础

::敏感信息::[markdown]以下哪项**不**属于敏感信息？{
\t=天气预报#对。
\t~身份证号#错：这是个人信息。
\t~%50%家庭住址
\t####见模块“保密基础”。
}

::敏感信息::同名的第二题{#=3:1#对 =%50%3:2}

$CATEGORY: $course$/保密/进阶

::Jesus' hometown::From?{=Nazareth =%75%Nazereth#Misspelled}

[plain]没有标题的题目{FALSE}
"""


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Runs `training-server <args>` in `cwd`; these commands take no database."""
    return subprocess.run([str(BINARY), *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def round_trip(tmp_path: Path, gift: bytes, name: str, *language: str) -> tuple[str, str, str]:
    """GIFT -> quiz file -> GIFT -> quiz file, each step by the binary; the GIFT file keeps its name so the two
    quiz files can be compared byte for byte. Returns both quiz files and the exported GIFT."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / name).write_bytes(gift)
    done = cli(first, "import-gift", name, "-o", "bank.yaml", *language)
    assert done.returncode == 0, done.stderr
    exported = cli(first, "export-gift", "bank.yaml", "-o", str(second / name), *language)
    assert exported.returncode == 0, exported.stderr
    again = cli(second, "import-gift", name, "-o", "bank.yaml", *language)
    assert again.returncode == 0, again.stderr
    return ((first / "bank.yaml").read_text(encoding="utf-8"), (second / "bank.yaml").read_text(encoding="utf-8"),
            (second / name).read_text(encoding="utf-8"))


def test_chinese_titles_categories_and_markdown_survive_import_export_import(tmp_path):
    yaml, again, gift = round_trip(tmp_path, BANK.encode("utf-8"), "bank.gift")
    assert again == yaml
    # The Moodle user sees their own titles, categories and format marker again.
    assert "$CATEGORY: $course$/保密/基础\n" in gift
    assert "$CATEGORY: $course$/保密/进阶\n" in gift
    assert "::敏感信息::[markdown]以下哪项**不**属于敏感信息？{\n" in gift
    assert "::Jesus' hometown::From?{" in gift
    assert "[plain]没有标题的题目{FALSE}" in gift
    assert "gift-" not in gift and "gift-" not in yaml
    # Ids: a short hash of a Chinese title (a suffix for the repeated one), the slug of an ASCII title.
    ids = [line.split("- id: ")[1] for line in yaml.splitlines() if line.startswith("      - id: ")]
    assert len(ids) == 5 and len(set(ids)) == 5
    assert ids[1].startswith("q-") and len(ids[1]) == 10 and ids[2] == ids[1] + "-2"
    assert ids[3] == "jesus-hometown"
    assert 'moodle: {title: "敏感信息", category: "$course$/保密/基础", format: markdown}' in yaml


def test_ids_do_not_move_when_a_question_is_added_above(tmp_path):
    (tmp_path / "a.gift").write_text(BANK, encoding="utf-8")
    (tmp_path / "b.gift").write_text("::新题::新加的一题{T}\n\n" + BANK, encoding="utf-8")
    ids = []
    for name in ("a", "b"):
        done = cli(tmp_path, "import-gift", f"{name}.gift", "--quiz-id", "bank")
        assert done.returncode == 0, done.stderr
        ids.append([line.split("- id: ")[1] for line in done.stdout.splitlines() if line.startswith("      - id: ")])
    assert ids[1][1:] == ids[0]


@pytest.mark.skipif(not SHARED_GIFT.is_dir(), reason="../shared/gift is not present next to the repository")
@pytest.mark.parametrize("name", sorted(p.name for p in (SHARED_GIFT / "must-import").glob("*.gift"))
                         if SHARED_GIFT.is_dir() else [])
def test_every_moodle_file_round_trips(tmp_path, name):
    source = (SHARED_GIFT / "must-import" / name).read_bytes()
    yaml, again, gift = round_trip(tmp_path, source, name, "--language", "en")
    assert again == yaml
    # Every Moodle title and category of the original is in the export (essays `{}` are not imported).
    for line in source.decode("utf-8").splitlines():
        title = re.match(r"\s*::(.*?)(?<!\\)::", line)
        if title and title.group(1).strip() and not line.rstrip().endswith("{}"):
            assert f"::{title.group(1).strip()}::" in gift, title.group(1)
        if line.startswith("$CATEGORY:"):
            assert f"$CATEGORY: {line[len('$CATEGORY:'):].strip()}\n" in gift


def test_the_course_example_bank_round_trips(tmp_path):
    path = COURSES / "gift-examples" / "info-literacy-final-exam.gift"
    yaml, again, gift = round_trip(tmp_path, path.read_bytes(), path.name)
    assert again == yaml
    assert "$CATEGORY: info-literacy/final-exam\n" in gift and "::网络安全法修正日期::" in gift


@pytest.mark.skipif(not SHARED_GIFT.is_dir(), reason="../shared/gift is not present next to the repository")
def test_moodle_files_that_are_not_utf8_are_refused_with_a_windows_1252_hint(tmp_path):
    files = sorted((SHARED_GIFT / "must-reject").glob("*.gift"))
    assert files
    for path in files:
        done = cli(tmp_path, "import-gift", str(path), "-o", "out.yaml")
        assert done.returncode == 1
        assert "iconv -f WINDOWS-1252 -t UTF-8" in done.stderr
        assert not (tmp_path / "out.yaml").exists()


def test_a_chinese_file_in_gb18030_gets_a_gb18030_hint(tmp_path):
    (tmp_path / "bank.gift").write_bytes(BANK.encode("gb18030"))
    done = cli(tmp_path, "import-gift", "bank.gift", "-o", "out.yaml")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "bank.gift:1:4: error: bank.gift is not UTF-8 text: the first bad byte is on line 1; it looks like Chinese "
        "text in GB18030 (GBK); save the file as UTF-8 (for example: iconv -f GB18030 -t UTF-8) and import it again",
    ]
    assert not (tmp_path / "out.yaml").exists()


def test_export_warnings_are_counted_per_language_and_verbose_lists_them(tmp_path):
    bank = COURSES / "gift-examples" / "info-literacy-final-exam.gift"
    imported = cli(tmp_path, "import-gift", str(bank), "-o", "bank.yaml")
    assert imported.returncode == 0, imported.stderr
    summary = cli(tmp_path, "export-gift", "bank.yaml", "--language", "en", "-o", "bank-en.gift")
    assert summary.returncode == 0, summary.stderr
    lines = summary.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("bank.yaml:")
    assert "texts in 32 questions have no English (en) text; the Chinese (zh) text was used (--verbose lists each one)" \
        in lines[0]
    verbose = cli(tmp_path, "export-gift", "bank.yaml", "--language", "en", "--verbose", "-o", "all.gift")
    assert verbose.returncode == 0, verbose.stderr
    every = verbose.stderr.strip().splitlines()
    assert len(every) > 100
    assert sum("the other language was used" in line for line in every) == int(lines[0].split(": warning: ")[1].split()[0])
    assert (tmp_path / "bank-en.gift").read_text(encoding="utf-8") == (tmp_path / "all.gift").read_text(encoding="utf-8")


def test_tilde_in_short_answer_feedback_warns(tmp_path):
    (tmp_path / "bank.gift").write_text("::Capital::Capital of France?{=Paris#About ~ right}\n", encoding="utf-8")
    done = cli(tmp_path, "import-gift", "bank.gift", "--language", "en")
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines() == [
        "bank.gift:1:44: warning: '~' in the feedback makes Moodle read this question as multiple choice, not short "
        "answer; write \\~ if it belongs to the feedback",
    ]
