"""A polite crawler: at most 3 fetches at once with a Semaphore

Ten pages to fetch from a local aiohttp server (started by `main` on 127.0.0.1); each
takes half a second to answer. An `asyncio.Semaphore(3)` lets only three requests be in
flight at a time.

What to watch for: all ten `crawl` tasks start at once, but seven of them wait on
`Semaphore.acquire` while three wait on their sockets; each time one finishes, the next
one gets in. The pages arrive three by three: about 2 s in all, never more than three
requests in flight.

Point: a Semaphore caps how many requests are in flight; the rest wait their turn on it.
Headline: limit
"""

import asyncio

import aiohttp
from aiohttp import web

TAGS = ("http", "patterns")

LIMIT = 3
PAGES = 10

PORT = 8766  # a fixed port: the URLs, and so the timeline's labels, are the same every run


async def page(request: web.Request) -> web.Response:
    await asyncio.sleep(0.5)
    return web.Response(text=f"page {request.match_info['n']}")


async def start_server() -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_get("/page/{n}", page)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", PORT).start()
    except OSError:  # taken (by another program, or this one running twice at once): any free port will do
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def crawl(session: aiohttp.ClientSession, limit: asyncio.Semaphore, url: str) -> str:
    async with limit:
        print(f"Fetching {url}")
        async with session.get(url) as response:
            return await response.text()


async def main() -> list[str]:
    runner, base = await start_server()
    limit = asyncio.Semaphore(LIMIT)
    try:
        async with aiohttp.ClientSession() as session:
            pages = await asyncio.gather(*(crawl(session, limit, f"{base}/page/{n}") for n in range(PAGES)))
    finally:
        await runner.cleanup()
    print(f"Fetched {len(pages)} pages, {LIMIT} at a time")
    return pages


if __name__ == "__main__":
    asyncio.run(main())
