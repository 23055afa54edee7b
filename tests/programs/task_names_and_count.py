# Introspection: the main task is Task-1, children are numbered in creation order, named tasks
# keep their names, and len(asyncio.all_tasks()) counts only the program's own tasks.
# expect: ok=5 failed=0 cancelled=0
import asyncio


async def child(event: asyncio.Event) -> str:
    me = asyncio.current_task()
    await event.wait()
    return me.get_name()


async def main() -> None:
    me = asyncio.current_task()
    print("main task:", me.get_name())
    print("tasks at start:", len(asyncio.all_tasks()))
    event = asyncio.Event()
    a = asyncio.create_task(child(event))
    b = asyncio.create_task(child(event), name="named-child")
    c = asyncio.ensure_future(child(event))
    await asyncio.sleep(0)
    print("tasks with three children waiting:", len(asyncio.all_tasks()))
    print("names:", sorted(t.get_name() for t in asyncio.all_tasks()))
    event.set()
    print("children returned:", await asyncio.gather(a, b, c))
    late = asyncio.create_task(child(event))
    print("a later child:", await late)
    print("tasks at the end:", len(asyncio.all_tasks()))


if __name__ == "__main__":
    asyncio.run(main())
