# Output: bytes written straight to file descriptor 1 with os.write, and a child process that
# inherits stdout and prints to it, interleaved with the program's own (flushed) prints. (The
# asyncio subprocess adds a task of asyncio's own, _connect_pipes: 3 tasks in all.)
# expect: ok=3 failed=0 cancelled=0
import asyncio
import os
import subprocess
import sys


async def child_process() -> int:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", "print('child via asyncio subprocess')")
    return await proc.wait()


async def main() -> None:
    print("print before os.write", flush=True)
    os.write(1, b"os.write to fd 1\n")
    subprocess.run([sys.executable, "-c", "print('child via subprocess.run')"], check=True)
    print("child exit status:", await asyncio.create_task(child_process()), flush=True)
    os.write(1, b"os.write without a newline, then a print: ")
    print("done")


asyncio.run(main())
