"""Five web pages at once with aiohttp: about 2 s, not the sum

The tutorial's aiohttp example. One ClientSession fetches five URLs concurrently; one of
them is `/delay/2`, which answers after 2 seconds. There is no internet here: `main`
first starts a real aiohttp web server on 127.0.0.1 (port 8765, so its URLs are the same
every run) whose routes stand in for the tutorial's sites, and the fetches go to it.

What to watch for: all five `fetch_url` tasks start at once and wait on their sockets
side by side; the quick pages finish in a few hundred milliseconds, the delayed one at
about 2 s, and the whole run takes about 2 s, not the sum. The server's own request
handlers are traced too (dimmed, marked "server"): each wakes when its request arrives.

Point: five requests in flight at once take about as long as the slowest one.
Headline: overlap
"""

import asyncio
import time

import aiohttp
from aiohttp import web

TAGS = ("http",)

# How long each stand-in site takes to answer, in seconds.
SITES = {"/www.google.com": 0.3, "/www.github.com": 0.4, "/www.python.org": 0.2, "/www.example.com": 0.1}

PORT = 8765  # a fixed port: the URLs, and so the timeline's labels, are the same every run


async def site(request: web.Request) -> web.Response:
    await asyncio.sleep(SITES[request.path])
    return web.Response(text=f"Welcome to {request.path[1:]}")


async def delay(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.match_info["seconds"]))
    return web.Response(text="delayed")


async def start_server() -> tuple[web.AppRunner, str]:
    """A local web server standing in for the internet; returns it and its base URL."""
    app = web.Application()
    app.router.add_get("/delay/{seconds}", delay)
    for path in SITES:
        app.router.add_get(path, site)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", PORT).start()
    except OSError:  # taken (by another program, or this one running twice at once): any free port will do
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def fetch_url(session: aiohttp.ClientSession, url: str) -> int:
    print(f"Fetching: {url}")
    async with session.get(url) as response:
        status = response.status
        print(f"Finished fetching {url} with status: {status}")
        return status


async def main() -> list[int]:
    print("--- Asyncio HTTP Requests with aiohttp ---")
    runner, base = await start_server()
    urls = [
        f"{base}/www.google.com",
        f"{base}/www.github.com",
        f"{base}/www.python.org",
        f"{base}/delay/2",  # This one will take 2 seconds
        f"{base}/www.example.com",
    ]
    try:
        start_time = time.time()
        async with aiohttp.ClientSession() as session:
            results = await asyncio.gather(*(fetch_url(session, url) for url in urls))
        end_time = time.time()
    finally:
        await runner.cleanup()
    print(f"All URLs fetched. Statuses: {results}")
    print(f"Total time (aiohttp): {end_time - start_time:.2f} seconds.")
    return results


if __name__ == "__main__":
    asyncio.run(main())
