# Source: CPython docs, Doc/library/asyncio-task.rst, "Timeouts" > wait_for() example
# (3.11+ text, catching TimeoutError). Added only `import asyncio`, which the snippet assumes.
# Takes 1 s. On 3.11 wait_for wraps eternity() in a task of its own (cancelled at the timeout);
# on 3.12+ it awaits it in main's task.
# expect: ok=1 failed=0 cancelled=0
# expect-3.11: ok=1 failed=0 cancelled=1
import asyncio

async def eternity():
    # Sleep for one hour
    await asyncio.sleep(3600)
    print('yay!')

async def main():
    # Wait for at most 1 second
    try:
        await asyncio.wait_for(eternity(), timeout=1.0)
    except TimeoutError:
        print('timeout!')

asyncio.run(main())

# Expected output:
#
#     timeout!
