"""`training-server lint` on course folders with recorded lectures (made by ffmpeg, see media_files.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import BINARY, COURSES
from media_files import make_audio, make_media_course, make_video


def lint(folder: Path, *options: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BINARY), "lint", str(folder), *options], capture_output=True, text=True, timeout=60)


def lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    return done.stdout.splitlines()


@pytest.fixture
def course(tmp_path: Path) -> Path:
    make_media_course(tmp_path)
    return tmp_path / "media-course"


def test_the_generated_course_passes(course):
    done = lint(course.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert lines(done) == ["0 errors, 0 warnings in 14 files"]


def test_the_shipped_courses_still_pass_beside_it(course):
    for entry in COURSES.iterdir():
        if entry.is_dir():
            shutil.copytree(entry, course.parent / entry.name)
    done = lint(course.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    assert " 0 errors, " in " " + lines(done)[-1]


def test_a_missing_caption_file(course):
    (course / "media" / "lecture.en.vtt").unlink()
    done = lint(course.parent)
    assert done.returncode == 1
    assert lines(done) == [
        "media-course/modules/01-lecture.media.yaml:8:46: error: caption file 'media/lecture.en.vtt' not found: "
        "add the file to media-course/media/",
        "1 error, 0 warnings in 13 files",
    ]


def test_a_caption_file_with_a_syntax_error_is_named_with_its_line(course):
    captions = course / "media" / "briefing.zh.vtt"
    captions.write_text(captions.read_text(encoding="utf-8").replace("00:00:03.000 --> 00:00:06.000",
                                                                      "00:00:03.000 --> 00:00:06"), encoding="utf-8")
    done = lint(course.parent)
    assert done.returncode == 1
    assert lines(done)[0] == (
        "media-course/media/briefing.zh.vtt:8:18: error: '00:00:06' is not a WebVTT time: write mm:ss.ttt or "
        "hh:mm:ss.ttt (for example 01:02.500)")
    assert lines(done)[-1].startswith("1 error, ")


def test_an_mp4_that_is_really_text(course):
    (course / "media" / "lecture.mp4").write_text("This is the lecture's script, not its video.\n", encoding="utf-8")
    done = lint(course.parent, "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["errors"] == 1
    assert report["diagnostics"] == [{
        "file": "media-course/modules/01-lecture.media.yaml", "line": 5, "column": 12, "severity": "error",
        "message": "'media/lecture.mp4' is not an MP4, WebM, MP3 or M4A file "
                   "(its first bytes are 54 68 69 73 20 69 73 20 \"This is \")",
    }]


def test_a_missing_transcript_and_a_missing_transcript_language(course):
    (course / "media" / "briefing.en.md").unlink()
    media_yaml = course / "modules" / "01-lecture.media.yaml"
    media_yaml.write_text(media_yaml.read_text(encoding="utf-8").replace(
        "transcript: {zh: media/lecture.zh.md, en: media/lecture.en.md}", "transcript: {zh: media/lecture.zh.md}"),
        encoding="utf-8")
    done = lint(course.parent)
    assert done.returncode == 1
    assert lines(done)[:2] == [
        "media-course/modules/01-lecture.media.yaml:9:17: error: 'transcript' has no English (en) file: every "
        "recording needs a transcript in each language of the course",
        "media-course/modules/01-lecture.media.yaml:15:48: error: transcript 'media/briefing.en.md' not found: "
        "add the file to media-course/media/",
    ]
    assert lines(done)[-1].startswith("2 errors, ")


def test_a_video_listed_as_audio_and_audio_listed_as_video(course):
    make_audio(course / "media" / "lecture.mp4", 6, "m4a")
    make_video(course / "media" / "briefing.mp3", 6, "webm")
    done = lint(course.parent)
    assert done.returncode == 1
    assert lines(done)[:2] == [
        "media-course/modules/01-lecture.media.yaml:5:12: error: 'media/lecture.mp4' has no video track (it is an "
        "M4A audio file): list it as 'audio:'",
        "media-course/modules/01-lecture.media.yaml:12:12: error: 'media/briefing.mp3' is a WebM file; audio "
        "recordings are MP3 or M4A: convert it (ffmpeg -i in.webm -vn -c:a aac out.m4a), or list it as 'video:'",
    ]


def test_webm_video_and_m4a_audio_are_accepted(course):
    make_video(course / "media" / "lecture.webm", 6, "webm")
    make_audio(course / "media" / "briefing.m4a", 6, "m4a")
    media_yaml = course / "modules" / "01-lecture.media.yaml"
    media_yaml.write_text(media_yaml.read_text(encoding="utf-8").replace("lecture.mp4", "lecture.webm")
                          .replace("briefing.mp3", "briefing.m4a"), encoding="utf-8")
    done = lint(course.parent)
    assert done.returncode == 0, done.stdout
    assert lines(done)[-1] == "0 errors, 0 warnings in 14 files"


def test_an_oversize_recording_with_a_low_warning_size(course):
    size = (course / "media" / "lecture.mp4").stat().st_size
    assert size > 20 * 1024
    done = lint(course.parent, "--media-warn-size", "20KB")
    assert done.returncode == 0, done.stdout
    warning = [line for line in lines(done) if "lecture.mp4" in line]
    assert warning == [
        f"media-course/modules/01-lecture.media.yaml:5:12: warning: 'media/lecture.mp4' is "
        f"{round(size / 1024, 1):g} KB, more than the 20 KB lint warns about: learners on slow connections wait "
        "long; re-encode it at a lower bit rate or split it into shorter recordings"]
    assert lint(course.parent, "--media-warn-size", "200MB").stdout.splitlines() == [
        "0 errors, 0 warnings in 14 files"]


@pytest.mark.parametrize("value", ["lots", "0MB", "200", "1.2.3MB", "5TB"])
def test_a_bad_warning_size_is_an_argument_error(course, value):
    done = lint(course.parent, "--media-warn-size", value)
    assert done.returncode == 64
    assert f"--media-warn-size must be a size such as 200MB, 500KB or 1.5GB, not '{value}'" in done.stderr
    assert done.stdout == ""


def test_a_media_file_for_no_module(course):
    shutil.copy(course / "modules" / "01-lecture.media.yaml", course / "modules" / "02-lecture.media.yaml")
    done = lint(course.parent)
    assert done.returncode == 1
    assert lines(done)[0] == (
        "media-course/modules/02-lecture.media.yaml:1:1: error: 02-lecture.media.yaml is numbered 2 but the files "
        "of module 'lecture' are numbered 1; rename it 01-lecture.media.yaml")
