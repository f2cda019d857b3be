"""A minimal keep-alive HTTP/1.1 server of contact pages, for the REST listing benchmark
(a helper, not a benchmark).

It holds ``N`` contacts shaped as the emulator answers them (``GET
/api/v1/rest/contact``: every property, a custom field, a list and a tag, timestamps)
and answers ``GET ...?offset=O&limit=L`` with the bare JSON array of that slice,
encoded once and kept, so that the benchmark measures the client. Run it as its own
process: ``python benchmarks/_pages_server.py N`` prints the port it listens on
(127.0.0.1), then serves until its stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import string
import sys
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit


def _id(prefix: str, n: int) -> str:
    digits = string.ascii_letters + string.digits
    core = "".join(digits[(n * 7 + i * 13) % len(digits)] for i in range(14))
    return f"{prefix}_{core}{n:08d}"


def contact(n: int) -> dict[str, object]:
    """Contact ``n`` as the emulator answers it."""
    return {
        "id": _id("contact", n),
        "firstName": f"First{n}",
        "lastName": f"Last{n}",
        "email": f"user{n}@bench.example",
        "company": "Acme Inc",
        "customFields": {_id("field", 1): "pro"},
        "lists": [_id("list", 1)],
        "tags": [_id("tag", 1), _id("tag", 2)],
        "unsubscribed": False,
        "bounced": False,
        "spam": False,
        "blocked": False,
        "dropped": False,
        "created": "2026-12-04T10:00:00.123000Z",
        "updated": "2026-12-04T10:00:00.123000Z",
        "trackData": None,
        "contactSource": 1,
        "pageSource": None,
        "lastTrackedIp": "10.0.0.1",
        "LTV": 1999,
    }


def _response(body: bytes, status: bytes = b"200 OK") -> bytes:
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n\r\n"
        + body
    )


class Pages(asyncio.Protocol):
    """Parses just enough HTTP/1.1 (request line, head) to answer GETs of pages."""

    contacts: ClassVar[list[dict[str, object]]] = []
    cache: ClassVar[dict[tuple[int, int], bytes]] = {}

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def answer(self, target: str) -> bytes:
        query = parse_qs(urlsplit(target).query)
        offset = int(query.get("offset", ["0"])[0])
        limit = int(query.get("limit", ["10"])[0])
        if not 1 <= limit <= 100:
            return _response(b'{"status":"error","message":"limit"}', b"400 Bad Request")
        key = (offset, limit)
        found = self.cache.get(key)
        if found is None:
            page = self.contacts[offset : offset + limit]
            found = self.cache[key] = _response(json.dumps(page).encode())
        return found

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer.extend(data)
        out = []
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = bytes(buffer[:end])
            del buffer[: end + 4]  # GETs only: no body
            target = head.split(b"\r\n", 1)[0].split(b" ")[1].decode()
            out.append(self.answer(target))
        if out and self.transport is not None:
            self.transport.write(b"".join(out))


async def main(count: int) -> None:
    Pages.contacts = [contact(n) for n in range(count)]
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Pages, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
