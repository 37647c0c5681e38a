"""Fixtures of the export tests: the network tests' hub-and-chain workspace, reused as is."""

from tests.network.conftest import story_ws

__all__ = ["story_ws"]
