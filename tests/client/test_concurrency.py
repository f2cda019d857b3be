"""One client shared by many threads (sync) or many tasks (async), with a bounded pool."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests._support.recording_server import RecordedRequest, RecordingServer, Reply
from tests.client.conftest import KEY, TEAM

import sendx


def echo(request: RecordedRequest) -> Reply:
    """Answer each identify with a contact holding the email it asked for."""
    return Reply.contact({"email": request.json()["email"], "encryptedId": "x" * 22})


@pytest.mark.parametrize("max_connections", [None, 3])
def test_sixteen_threads_share_one_client(
    server: RecordingServer, max_connections: int | None
) -> None:
    """16 threads x 20 calls on one SendX: every caller gets its own answer, and no
    more connections are opened than the pool allows."""
    server.handler = echo
    start = threading.Barrier(16)

    def work(client: sendx.SendX, worker: int) -> list[str | None]:
        start.wait(timeout=10)
        return [
            client.contacts.identify(f"w{worker}-{i}@x.io").email  # type: ignore[misc]
            for i in range(20)
        ]

    with (
        sendx.SendX(KEY, TEAM, base_url=server.url, max_connections=max_connections) as client,
        ThreadPoolExecutor(16) as pool,
    ):
        results = list(pool.map(lambda w: work(client, w), range(16)))
    for worker, emails in enumerate(results):
        assert emails == [f"w{worker}-{i}@x.io" for i in range(20)]
    assert len(server.requests) == 320
    assert server.connections <= (max_connections or 10)


def test_a_thousand_concurrent_identifies_on_one_async_client(server: RecordingServer) -> None:
    """1,000 identifies gathered at once on one AsyncSendX all succeed, each with its own
    answer, over at most max_connections (100) connections."""
    server.handler = echo

    async def run() -> list[str | None]:
        async with sendx.AsyncSendX(KEY, TEAM, base_url=server.url) as client:
            contacts = await asyncio.gather(
                *(client.contacts.identify(f"c{i}@x.io") for i in range(1000))
            )
        return [contact.email for contact in contacts]

    assert asyncio.run(run()) == [f"c{i}@x.io" for i in range(1000)]
    assert len(server.requests) == 1000
    assert server.connections <= 100


def test_async_pool_bound(server: RecordingServer) -> None:
    """``max_connections`` bounds the async client's connections too."""
    server.handler = echo

    async def run() -> None:
        async with sendx.AsyncSendX(KEY, TEAM, base_url=server.url, max_connections=4) as client:
            await asyncio.gather(*(client.contacts.identify(f"c{i}@x.io") for i in range(100)))

    asyncio.run(run())
    assert len(server.requests) == 100
    assert 1 <= server.connections <= 4


def test_async_client_built_outside_a_loop_and_reused(server: RecordingServer) -> None:
    """The session is made on first use inside the loop; close() then reuse reconnects."""
    client = sendx.AsyncSendX(KEY, TEAM, base_url=server.url)

    async def run() -> None:
        await client.contacts.identify("a@b.co")
        await client.close()
        await client.contacts.identify("a@b.co")
        await client.close()
        await client.close()  # closing twice is harmless

    asyncio.run(run())
    assert len(server.requests) == 2


def test_sync_client_reconnects_after_close(server: RecordingServer) -> None:
    client = sendx.SendX(KEY, TEAM, base_url=server.url)
    client.contacts.identify("a@b.co")
    client.close()
    client.contacts.identify("a@b.co")
    client.close()
    client.close()
    assert len(server.requests) == 2


def test_async_client_refuses_a_second_event_loop(server: RecordingServer) -> None:
    """A client whose session lives in one loop says so clearly when used in another."""
    client = sendx.AsyncSendX(KEY, TEAM, base_url=server.url)
    first = asyncio.new_event_loop()
    try:
        first.run_until_complete(client.contacts.identify("a@b.co"))

        async def elsewhere() -> None:
            await client.contacts.identify("a@b.co")

        with pytest.raises(RuntimeError, match="one client per event loop"):
            asyncio.run(elsewhere())
        first.run_until_complete(client.close())
    finally:
        first.close()
    assert len(server.requests) == 1
