"""Real `python -m bot run` processes against the in-test emulator, as operators run them."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from tests.deploy.conftest import SECRET, free_port, http_get

ROOT = Path(__file__).resolve().parents[2]
RUN = ("-m", "bot", "run")


class BotProcess:
    def __init__(self, workdir: Path, env: dict[str, str], port: int, name: str = "bot") -> None:
        self.workdir, self.env, self.port, self.name = workdir, env, port, name
        self.log_path = workdir / f"{name}.stderr"
        self.proc: asyncio.subprocess.Process | None = None

    @classmethod
    def make(
        cls,
        workdir: Path,
        *,
        token: str,
        api_url: str,
        database_url: str,
        webhook: bool = True,
        name: str = "bot",
        **settings: str,
    ) -> BotProcess:
        port = free_port()
        env = {
            # A clean environment: nothing from the developer's shell or .env leaks in.
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(workdir),
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": token,
            "TELEGRAM_API_URL": api_url,
            "DATABASE_URL": database_url,
            "LISTEN_HOST": "127.0.0.1",
            "LISTEN_PORT": str(port),
        }
        if webhook:
            env |= {"WEBHOOK_URL": f"http://127.0.0.1:{port}/tg/hook", "WEBHOOK_SECRET": SECRET}
        return cls(workdir, env | settings, port, name)

    @property
    def hook(self) -> str:
        return self.env["WEBHOOK_URL"]

    async def start(self) -> BotProcess:
        # The work directory as cwd: no stray .env is read, and SQLite paths stay in tmp.
        with self.log_path.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, *RUN,
                cwd=self.workdir, env=self.env, stdout=log, stderr=log,
            )  # fmt: skip
        return self

    async def wait_ready(self, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.returncode is not None:
                raise AssertionError(f"{self.name} exited {self.proc.returncode}:\n{self.log()}")
            try:
                if (await http_get(f"http://127.0.0.1:{self.port}/readyz"))[0] == 200:
                    return
            except OSError:
                pass
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} not ready within {timeout}s:\n{self.log()}")

    async def terminate(self, timeout: float = 30.0) -> tuple[int, float]:  # noqa: ASYNC109
        """SIGTERM; the exit code and how many seconds the graceful stop took."""
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        return code, time.monotonic() - started

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")
