# Source: CPython docs, Doc/library/asyncio-sync.rst, "Barrier" example (3.11+). Added only
# `import asyncio`, which the snippet assumes. It prints the barrier's repr, whose memory
# address differs between runs: masked before comparing.
# mask: 0x[0-9a-fA-F]+
# expect: ok=3 failed=0 cancelled=0
import asyncio

async def example_barrier():
   # barrier with 3 parties
   b = asyncio.Barrier(3)

   # create 2 new waiting tasks
   asyncio.create_task(b.wait())
   asyncio.create_task(b.wait())

   await asyncio.sleep(0)
   print(b)

   # The third .wait() call passes the barrier
   await b.wait()
   print(b)
   print("barrier passed")

   await asyncio.sleep(0)
   print(b)

asyncio.run(example_barrier())
