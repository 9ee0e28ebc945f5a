"""`hromada run` without a token and `hromada sandbox` on a taken port, as real processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _hromada(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_until(proc: subprocess.Popen[str], needle: str, seconds: float = 30) -> list[str]:
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        lines.append(line.rstrip("\n"))
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} never printed; got {lines}")


@pytest.mark.slow  # a real process: imports, migrations, signals
def test_hromada_run_without_a_token_says_so_first_then_serves_the_sandbox(
    tmp_path: Path,
) -> None:
    port = _free_port()
    proc = _hromada(["run", "--port", str(port)], tmp_path)
    try:
        lines = _read_until(proc, "Stop with Ctrl+C")
        assert lines[0].startswith("BOT_TOKEN is not set: starting the offline sandbox")
        assert any(f"http://127.0.0.1:{port}" in line for line in lines)
        assert (tmp_path / "data" / "sandbox.sqlite3").exists()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "sandbox stopped" in out


@pytest.mark.slow  # a real process: imports, migrations, signals
def test_a_taken_port_fails_with_one_clear_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _hromada(["sandbox", "--port", str(port)], tmp_path)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == [
        f"sandbox: cannot listen on 127.0.0.1:{port}: already in use. "
        f"Is another sandbox running? Try --port {port + 1}"
    ]
