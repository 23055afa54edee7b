# Network: an aiohttp server on 127.0.0.1 port 0 and a client session fetching from it, some
# requests at once; nothing leaves the machine.
# expect: ok>=5 failed=0 cancelled>=0
import asyncio

from aiohttp import ClientSession, web


async def hello(request: web.Request) -> web.Response:
    await asyncio.sleep(0.01)
    return web.json_response({"hello": request.match_info["name"]})


async def fetch(session: ClientSession, base: str, name: str) -> str:
    async with session.get(f"{base}/hello/{name}") as resp:
        data = await resp.json()
        return f"{resp.status} {data}"


async def main() -> None:
    app = web.Application()
    app.router.add_get("/hello/{name}", hello)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    base = f"http://127.0.0.1:{port}"
    try:
        async with ClientSession() as session:
            print(await fetch(session, base, "first"))
            for line in await asyncio.gather(*(fetch(session, base, n) for n in ("a", "b", "c"))):
                print(line)
    finally:
        await runner.cleanup()
    print("server closed")


asyncio.run(main())
