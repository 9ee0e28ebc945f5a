"""Reliability fixtures: the deployment tests' empty databases (the bot migrates them itself)."""

from tests.deploy.conftest import fresh_url

__all__ = ["fresh_url"]
