"""Small test recordings and a complete course with recorded lectures, made with ffmpeg.

`make_media_course(root)` writes the course folder `media-course` (one module `lecture` with a video item
`lecture` and an audio item `briefing`, each with zh/en captions and transcripts). `make_video` and `make_audio`
write single recordings. ffmpeg runs once per set of arguments in a test session: its output is kept in a
temporary cache directory and copied from there.

Without ffmpeg the calling test is skipped with a clear reason; set `SE_REQUIRE_FFMPEG=true` (as CI does) to make
that a failure instead.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

FFMPEG_TIMEOUT = 120.0

_cache_lock = threading.Lock()
_cache_dir: Path | None = None


def ffmpeg_binary() -> str:
    """The ffmpeg executable, or a skip (a failure with SE_REQUIRE_FFMPEG=true) when it is not installed."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    message = "ffmpeg is not installed (Debian: apt-get install ffmpeg); it makes the test recordings"
    if os.environ.get("SE_REQUIRE_FFMPEG", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


def _cache() -> Path:
    global _cache_dir
    with _cache_lock:
        if _cache_dir is None:
            _cache_dir = Path(tempfile.mkdtemp(prefix="media-files-"))
            atexit.register(shutil.rmtree, _cache_dir, True)
        return _cache_dir


def _ffmpeg(key: str, suffix: str, arguments: list[str]) -> Path:
    """Runs ffmpeg once for `key`, writing the output file last on its command line; returns the cached file."""
    target = _cache() / f"{key}{suffix}"
    with _cache_lock:
        if target.exists():
            return target
        partial = target.with_name(f"partial-{target.name}")
        command = [ffmpeg_binary(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *arguments,
                   str(partial)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=FFMPEG_TIMEOUT)
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
            raise RuntimeError(f"{' '.join(command)} failed with status {done.returncode}:\n{done.stderr}")
        partial.rename(target)
        return target


def _place(cached: Path, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cached, path)
    return path


def make_video(path: Path, seconds: float, fmt: str = "mp4") -> Path:
    """Writes a 320×240 test-pattern video with a 440 Hz tone: MP4 (H.264/AAC, moov first) or WebM (VP8/Vorbis)."""
    sources = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
               "-t", str(seconds)]
    if fmt == "mp4":
        codecs = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
                  "-movflags", "+faststart", "-f", "mp4"]
    elif fmt == "webm":
        codecs = ["-c:v", "libvpx", "-deadline", "realtime", "-b:v", "200k", "-c:a", "libvorbis", "-f", "webm"]
    else:
        raise ValueError(f"make_video: fmt must be 'mp4' or 'webm', not {fmt!r}")
    return _place(_ffmpeg(f"video-{seconds}", f".{fmt}", sources + codecs), path)


def make_audio(path: Path, seconds: float, fmt: str = "mp3") -> Path:
    """Writes a 440 Hz tone: MP3 (libmp3lame, with its Xing/Info header) or M4A (AAC in MP4)."""
    sources = ["-f", "lavfi", "-i", "sine=frequency=440", "-t", str(seconds)]
    if fmt == "mp3":
        codecs = ["-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"]
    elif fmt == "m4a":
        codecs = ["-c:a", "aac", "-b:a", "64k", "-movflags", "+faststart", "-f", "ipod"]
    else:
        raise ValueError(f"make_audio: fmt must be 'mp3' or 'm4a', not {fmt!r}")
    return _place(_ffmpeg(f"audio-{seconds}", f".{fmt}", sources + codecs), path)


def make_poster(path: Path) -> Path:
    """Writes a 320×240 JPEG still of the test pattern."""
    arguments = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=1", "-frames:v", "1", "-f", "image2"]
    return _place(_ffmpeg("poster", ".jpg", arguments), path)


def _timestamp(seconds: float) -> str:
    whole = int(seconds)
    millis = int(round((seconds - whole) * 1000))
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{millis:03d}"


def make_captions(path: Path, seconds: float, lines: list[str]) -> Path:
    """Writes a WebVTT file whose cues share `seconds` evenly, one cue per line of text."""
    step = seconds / len(lines)
    blocks = ["WEBVTT", ""]
    for index, text in enumerate(lines):
        blocks += [f"cue-{index + 1}", f"{_timestamp(index * step)} --> {_timestamp((index + 1) * step)}", text, ""]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(blocks), encoding="utf-8")
    return path


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


COURSE_YAML = """\
id: media-course
version: 1
title: {zh: 录播课程示例, en: A course with recorded lectures}
summary:
  zh: "一门带录播讲座和音频简报的示例课程。"
  en: "An example course with a recorded lecture and an audio briefing."
study_hours: 0.5
modules: [lecture]
completion:
  modules: all
"""

MODULE_ZH = """\
---
id: lecture
title: 识别钓鱼邮件
minutes: 1
hours: 0.5
objectives:
  - 说出钓鱼邮件的三个常见特征
summary: 观看讲座，收听简报，学会识别钓鱼邮件。
---

请观看下面的讲座并收听简报。

## 情景案例：一封可疑的邮件

某科室收到一封自称来自上级单位的邮件，要求点击链接登录。
"""

MODULE_EN = """\
---
id: lecture
title: Spotting phishing
minutes: 1
hours: 0.5
objectives:
  - Name three common signs of a phishing message
summary: Watch the lecture and listen to the briefing to learn to spot phishing.
---

Watch the lecture below and listen to the briefing.

## Scenario: a suspicious message

A section receives a message claiming to come from its parent department, asking staff to sign in through a link.
"""

MEDIA_YAML = """\
watch: {watch}
seeking: {seeking}
items:
  - id: lecture
    video: media/lecture.mp4
    title: {{zh: 讲座：识别钓鱼邮件, en: "Lecture: spotting phishing"}}
    poster: media/lecture.jpg
    captions: {{zh: media/lecture.zh.vtt, en: media/lecture.en.vtt}}
    transcript: {{zh: media/lecture.zh.md, en: media/lecture.en.md}}
    download: true
  - id: briefing
    audio: media/briefing.mp3
    title: {{zh: 简报：本月的钓鱼邮件, en: "Briefing: this month's phishing"}}
    captions: {{zh: media/briefing.zh.vtt, en: media/briefing.en.vtt}}
    transcript: {{zh: media/briefing.zh.md, en: media/briefing.en.md}}
    download: true
"""

CAPTIONS = {
    ("lecture", "zh"): ["钓鱼邮件常常冒充上级单位。", "它们催你马上点击链接。", "先核实发件人，再做决定。"],
    ("lecture", "en"): ["Phishing often pretends to come from above.", "It urges you to click at once.",
                        "Check the sender before you act."],
    ("briefing", "zh"): ["本月的钓鱼邮件以报销为主题。", "不要在邮件链接中输入密码。"],
    ("briefing", "en"): ["This month's phishing is about expense claims.", "Never type a password into a mailed link."],
}

TRANSCRIPTS = {
    ("lecture", "zh"): "## 讲座文字稿\n\n钓鱼邮件常常冒充上级单位。它们催你马上点击链接。先核实发件人，再做决定。\n",
    ("lecture", "en"): "## Lecture transcript\n\nPhishing often pretends to come from above. It urges you to click "
                       "at once. Check the sender before you act.\n",
    ("briefing", "zh"): "## 简报文字稿\n\n本月的钓鱼邮件以报销为主题。不要在邮件链接中输入密码。\n",
    ("briefing", "en"): "## Briefing transcript\n\nThis month's phishing is about expense claims. Never type a "
                        "password into a mailed link.\n",
}


def make_media_course(root: Path, *, watch: str = "90%", seeking: str = "free", duration: float = 6) -> Path:
    """Writes the course folder `root/media-course` and returns it.

    Module `lecture` (01, minutes 1, hours 0.5) has `modules/01-lecture.media.yaml` with the video item `lecture`
    (MP4 H.264/AAC, poster, zh/en captions and transcripts, download) and the audio item `briefing` (MP3, zh/en
    captions and transcripts, download), both `duration` seconds long.
    """
    course = Path(root) / "media-course"
    _write(course / "course.yaml", COURSE_YAML)
    _write(course / "modules" / "01-lecture.zh.md", MODULE_ZH)
    _write(course / "modules" / "01-lecture.en.md", MODULE_EN)
    _write(course / "modules" / "01-lecture.media.yaml", MEDIA_YAML.format(watch=watch, seeking=seeking))
    media = course / "media"
    make_video(media / "lecture.mp4", duration, "mp4")
    make_poster(media / "lecture.jpg")
    make_audio(media / "briefing.mp3", duration, "mp3")
    for (item, language), lines in CAPTIONS.items():
        make_captions(media / f"{item}.{language}.vtt", duration, lines)
    for (item, language), text in TRANSCRIPTS.items():
        _write(media / f"{item}.{language}.md", text)
    return course
