"""Shared fixtures: a fresh database per test (SQLite, or PostgreSQL via TEST_DATABASE_URL)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import clock
from bot.db import Base, make_engine, make_sessionmaker

pytest_plugins = ["tests.harness"]

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def backend() -> str:
    return "postgresql" if POSTGRES_URL else "sqlite"


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return POSTGRES_URL or f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"


async def reset_schema(engine: AsyncEngine) -> None:
    """An empty schema at the models' shape; PostgreSQL drops everything left by earlier tests."""
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
        await connection.run_sync(Base.metadata.create_all)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    await reset_schema(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    clock.reset()
    yield
    clock.reset()
