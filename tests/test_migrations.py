"""Migrations run up, down and up again on both back-ends and match the models exactly."""

from __future__ import annotations

import asyncio

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import Base
from bot.migrate import alembic_config, at_head, upgrade
from tests.conftest import reset_schema


async def _empty(engine: AsyncEngine) -> None:
    await reset_schema(engine)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))


async def test_upgrade_downgrade_upgrade_and_no_drift(
    engine: AsyncEngine, database_url: str
) -> None:
    await _empty(engine)
    config = alembic_config(database_url)
    await asyncio.to_thread(upgrade, database_url)
    assert set(Base.metadata.tables) <= await _tables(engine)
    assert await at_head(engine)
    await asyncio.to_thread(command.downgrade, config, "base")
    assert await _tables(engine) <= {"alembic_version"}
    await asyncio.to_thread(upgrade, database_url)
    # `alembic check` raises when the models and the migrations disagree.
    await asyncio.to_thread(command.check, config)
