# Source: CPython docs, Doc/library/asyncio-eventloop.rst, "Examples" > "Hello World with
# call_soon()", kept as written: no coroutine, no task.
# expect: ok=0 failed=0 cancelled=0
import asyncio

def hello_world(loop):
    """A callback to print 'Hello World' and stop the event loop"""
    print('Hello World')
    loop.stop()

loop = asyncio.new_event_loop()

# Schedule a call to hello_world()
loop.call_soon(hello_world, loop)

# Blocking call interrupted by loop.stop()
try:
    loop.run_forever()
finally:
    loop.close()
