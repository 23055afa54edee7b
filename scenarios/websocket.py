"""A websocket conversation: one long-lived connection, messages both ways

`main` starts an aiohttp websocket server on 127.0.0.1 and connects a client to it. The
client sends a message every half second; the server answers each one.

What to watch for: the connection stays open the whole time. The server's handler task
and the client each spend nearly all of it awaiting `websocket receive`, waking only for
a moment per message: one open connection costs a waiting task, not a busy thread.

Point: an open connection costs a waiting task, not a busy thread: the loop stays idle.
Headline: idle
"""

import asyncio

import aiohttp
from aiohttp import web

TAGS = ("http", "patterns")

MESSAGES = 5

PORT = 8768  # a fixed port: the URLs, and so the timeline's labels, are the same every run


async def echo(request: web.Request) -> web.WebSocketResponse:
    ws = web.WebSocketResponse()
    await ws.prepare(request)
    async for message in ws:
        if message.type == aiohttp.WSMsgType.TEXT:
            await ws.send_str(f"echo: {message.data}")
    return ws


async def start_server() -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_get("/ws", echo)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", PORT).start()
    except OSError:  # taken (by another program, or this one running twice at once): any free port will do
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/ws"


async def chat(session: aiohttp.ClientSession, url: str) -> list[str]:
    replies = []
    async with session.ws_connect(url) as ws:
        for n in range(MESSAGES):
            await ws.send_str(f"message {n}")
            reply = await ws.receive()
            replies.append(reply.data)
            print(f"client got: {reply.data}")
            await asyncio.sleep(0.5)
    return replies


async def main() -> list[str]:
    runner, url = await start_server()
    try:
        async with aiohttp.ClientSession() as session:
            return await chat(session, url)
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
