"""The allocator settings `serve` applies at start (`--malloc-arenas`, `--malloc-mmap-threshold-kib`): values out
of range are refused before anything is created, and a server with glibc's defaults or with the defaults of
`serve` signs people in repeatedly (each sign-in is a 19 MiB Argon2 check) without the allocator refusing a
setting."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import BINARY, COURSES, login


@pytest.mark.parametrize("option, value, message", [
    ("--malloc-arenas", "1025", "--malloc-arenas must be between 0 and 1024"),
    ("--malloc-arenas", "-1", "--malloc-arenas"),
    ("--malloc-mmap-threshold-kib", "40000", "--malloc-mmap-threshold-kib must be between 0 and 32768 (32 MiB)"),
])
def test_out_of_range_allocator_settings_are_refused_before_anything_is_created(tmp_path: Path, option: str,
                                                                                  value: str, message: str):
    database = tmp_path / "data" / "training.sqlite"
    result = subprocess.run([str(BINARY), "serve", "--port", "0", "--db", str(database), "--courses", str(COURSES),
                             f"{option}={value}"], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert message in result.stderr
    assert not database.parent.exists()


@pytest.mark.parametrize("extra", [(), ("--malloc-arenas", "0", "--malloc-mmap-threshold-kib", "0"),
                                   ("--malloc-arenas", "1", "--malloc-mmap-threshold-kib", "128")])
def test_servers_sign_people_in_under_each_allocator_setting(fresh_server, extra: tuple[str, ...]):
    server = fresh_server(extra=extra)
    password = server.demo_passwords["demo-learner"]
    for _ in range(3):
        http = login(server, "demo-learner", password)
        assert http.get(server.url("/"), allow_redirects=False, timeout=10).status_code == 200
    assert not [line for line in server.lines if "malloc refused" in line]


def largest_resident_mappings_kib(pid: int) -> list[int]:
    """Resident KiB of the process's anonymous and [heap] mappings (where malloc keeps memory), largest first."""
    sizes, keep = [], False
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and len(fields) >= 5 and not fields[0].endswith(":"):
            keep = len(fields) == 5 or fields[5] == "[heap]"
        elif fields[0] == "Rss:" and keep:
            sizes.append(int(fields[1]))
    return sorted(sizes, reverse=True)


@pytest.mark.parametrize("extra, keeps", [((), False),
                                          (("--malloc-arenas", "0", "--malloc-mmap-threshold-kib", "0"), True)])
def test_password_checks_leave_no_19_mib_block_in_the_allocator(fresh_server, extra: tuple[str, ...], keeps: bool):
    """Each sign-in's Argon2 check takes 19 MiB. With the settings of `serve` that memory goes back to the kernel
    after each check; with glibc's dynamic threshold (the second case, which shows this test can fail) the
    second and later checks take it from an arena, where it stays resident."""
    server = fresh_server(extra=extra)
    password = server.demo_passwords["demo-learner"]
    for _ in range(6):
        login(server, "demo-learner", password)
    assert server.process is not None
    largest = largest_resident_mappings_kib(server.process.pid)[0]
    assert (largest >= 16 * 1024) == keeps, f"largest malloc mapping resident: {largest} KiB"
