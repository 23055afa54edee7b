"""A web server serving many clients at once

The tutorial's "web servers" use case. `main` starts an aiohttp server on 127.0.0.1
whose handler takes 1 s (say, a slow database query), then twenty clients call it at
the same moment.

What to watch for: the server starts a handler task per request, all twenty wait on
their query side by side (dimmed, marked "server"), and every client has its answer
after about 1 s: twenty seconds of work served in one, by a single thread.

Point: one thread serves twenty slow requests at once: their waits overlap.
Headline: overlap
"""

import asyncio

import aiohttp
from aiohttp import web

TAGS = ("http",)

CLIENTS = 20

PORT = 8767  # a fixed port: the URLs, and so the timeline's labels, are the same every run


async def slow_query(request: web.Request) -> web.Response:
    await asyncio.sleep(1)  # a database query, say
    return web.json_response({"user": request.match_info["user"]})


async def start_server() -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_get("/users/{user}", slow_query)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", PORT).start()
    except OSError:  # taken (by another program, or this one running twice at once): any free port will do
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def client(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        return (await response.json())["user"]


async def main() -> list[str]:
    runner, base = await start_server()
    try:
        connector = aiohttp.TCPConnector(limit=CLIENTS)
        async with aiohttp.ClientSession(connector=connector) as session:
            users = await asyncio.gather(*(client(session, f"{base}/users/{n}") for n in range(CLIENTS)))
    finally:
        await runner.cleanup()
    print(f"Served {len(users)} clients")
    return users


if __name__ == "__main__":
    asyncio.run(main())
