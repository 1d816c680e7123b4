"""worldstream.client: Python clients (sync and asyncio) over the generated stubs.

Not a server layer: it talks to a server over gRPC only, and uses geometry/, tiles/ and render/
for the reference walk client.
"""

from worldstream.client.aio import AsyncClient
from worldstream.client.errors import ClientError
from worldstream.client.sync import Client, ExploreStream

__all__ = ["AsyncClient", "Client", "ClientError", "ExploreStream"]
