"""The container files carry their must-haves (no Docker engine here: read, not built)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    pairs = [line.strip().split(None, 1) for line in joined.splitlines() if line.strip()]
    return [(pair[0].upper(), pair[1] if len(pair) > 1 else "") for pair in pairs]


def test_dockerfile_is_multi_stage_non_root_and_checks_health() -> None:
    steps = instructions()
    froms = [args for name, args in steps if name == "FROM"]
    assert len(froms) >= 2 and all(args.startswith("python:3.11-slim") for args in froms)
    users = [args for name, args in steps if name == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    health = [args for name, args in steps if name == "HEALTHCHECK"]
    assert len(health) == 1 and "/healthz" in health[0]
    runs = " ".join(args for name, args in steps if name == "RUN")
    assert "python -m bot.catalog compile" in runs and "pip install --no-cache-dir -e ." in runs
    copied = " ".join(args for name, args in steps if name == "COPY")
    for needed in ("bot/", "handlers/", "migrations/", "locales/", "alembic.ini"):
        assert needed in copied
    assert steps[-1] == ("CMD", '["hromada", "run"]')  # migrates on start


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", ".git", "data"} <= set(ignored)


def test_compose_runs_the_bot_on_postgres_16_with_a_named_volume() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    assert db["image"] == "postgres:16"
    volume = db["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["stop_grace_period"] == "30s"


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    assert set(Settings.model_fields) <= named, set(Settings.model_fields) - named
