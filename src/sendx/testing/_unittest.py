"""``SendXTestCase``: the pytest fixtures' behaviour for unittest."""

from __future__ import annotations

import os
import unittest
from typing import TYPE_CHECKING, ClassVar
from unittest import mock

import sendx._client
from sendx.testing._clients import FAST_RETRY
from sendx.testing._emulator import TestEmulator

if TYPE_CHECKING:
    from sendx._client import SendX

__all__ = ["SendXTestCase"]


class SendXTestCase(unittest.TestCase):
    """A ``TestCase`` with an emulator for the class and a fresh state per test.

    - ``self.sendx_emulator`` (also ``cls.sendx_emulator``): a :class:`TestEmulator`,
      started once for the class, stopped after its last test;
    - ``self.sendx_client``: a :class:`sendx.SendX` bound to it, with fast retries,
      closed after each test;
    - before each test the emulator is reset and the ``SENDX_*`` environment variables
      point at it (restored after), so code that builds its own ``SendX()`` talks to it,
      with fast retries too.

    For asyncio tests, list it first: ``class T(SendXTestCase,
    unittest.IsolatedAsyncioTestCase)`` and build ``self.sendx_emulator.async_client()``
    in the test. Override :meth:`make_sendx_emulator` to change the emulator's options.
    """

    sendx_emulator: ClassVar[TestEmulator]
    sendx_client: SendX

    @classmethod
    def make_sendx_emulator(cls) -> TestEmulator:
        """The (unstarted) emulator for this class; override to pass options."""
        return TestEmulator()

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        emulator = cls.make_sendx_emulator()
        cls.sendx_emulator = emulator
        emulator.start()
        cls.addClassCleanup(emulator.stop)

    def setUp(self) -> None:
        super().setUp()
        self.sendx_emulator.reset()
        for patcher in (
            mock.patch.dict(os.environ, self.sendx_emulator.env()),
            mock.patch.object(sendx._client, "DEFAULT_RETRY_POLICY", FAST_RETRY),
        ):
            patcher.start()
            self.addCleanup(patcher.stop)
        self.sendx_client = self.sendx_emulator.client()
        self.addCleanup(self.sendx_client.close)


SendXTestCase.__module__ = "sendx.testing"
