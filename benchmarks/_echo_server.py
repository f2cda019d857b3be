"""A minimal keep-alive HTTP/1.1 server for client benchmarks (a helper, not a benchmark).

It answers every request with the same identify envelope, as fast as one asyncio
process can, so that a client benchmark measures the client. Run it as its own
process: ``python benchmarks/_echo_server.py`` prints the port it listens on
(127.0.0.1), then serves until its stdin closes.
"""

from __future__ import annotations

import asyncio
import sys

BODY = (
    b'{"status":"200","message":"OK","data":{"encryptedTeamId":"CLdh9Ig5GLIN1u8gTRvoja",'
    b'"encryptedId":"c9QF63nrBenCaAXe660byz","tags":["API Team","Tech"],"firstName":"John",'
    b'"lastName":"Doe","email":"john.doe@gmail.com","company":"","birthday":"1989-03-03",'
    b'"customFields":{"Age":"29","Designation":"Software Engineer"}}}'
)
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(BODY)).encode()
    + b"\r\n\r\n"
    + BODY
)


class Echo(asyncio.Protocol):
    """Parses just enough HTTP/1.1 (head, Content-Length body) to answer pipelines."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer.extend(data)
        out = []
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                break
            head = bytes(buffer[:end]).lower()
            length = 0
            at = head.find(b"content-length:")
            if at >= 0:
                stop = head.find(b"\r\n", at)
                length = int(head[at + 15 : stop if stop >= 0 else None])
            total = end + 4 + length
            if len(buffer) < total:
                break
            del buffer[:total]
            out.append(RESPONSE)
        if out and self.transport is not None:
            self.transport.write(b"".join(out))


async def main() -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Echo, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    # Serve until the parent closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
