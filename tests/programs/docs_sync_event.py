# Source: CPython docs, Doc/library/asyncio-sync.rst, "Event" example. Added only
# `import asyncio`, which the snippet assumes. Takes 1 s.
# expect: ok=2 failed=0 cancelled=0
import asyncio

async def waiter(event):
    print('waiting for it ...')
    await event.wait()
    print('... got it!')

async def main():
    # Create an Event object.
    event = asyncio.Event()

    # Spawn a Task to wait until 'event' is set.
    waiter_task = asyncio.create_task(waiter(event))

    # Sleep for 1 second and set the event.
    await asyncio.sleep(1)
    event.set()

    # Wait until the waiter task is finished.
    await waiter_task

asyncio.run(main())
