"""A course server's load through jupyter_client's AsyncKernelManager.

Starts COUNT kernels of one kernel name at once (each in its own directory,
with its own SOCKBOOK_CACHE_DIR), times each start_kernel + wait_for_ready,
then runs the cells of CELLS_JSON in every kernel at the same time. Prints
one JSON line {"ready": [ms...], "cells_wall_ms": ms, "pids": [...]}, waits
for a line on stdin (the caller reads memory meanwhile), then shuts every
kernel down. Each pid is appended to PIDFILE as soon as it exists.

usage: course_load.py NAME COUNT WORKDIR PIDFILE CELLS_JSON
"""
import asyncio
import json
import os
import sys
import time

from jupyter_client.manager import AsyncKernelManager


async def start(name, workdir, index, pidfile):
    cwd = os.path.join(workdir, f"kernel-{index}")
    os.makedirs(cwd, exist_ok=True)
    env = dict(os.environ, SOCKBOOK_CACHE_DIR=os.path.join(cwd, "compile-cache"))
    km = AsyncKernelManager(kernel_name=name)
    t0 = time.perf_counter()
    await km.start_kernel(cwd=cwd, env=env)
    with open(pidfile, "a") as f:
        f.write(f"{km.provisioner.pid}\n")
    kc = km.client()
    kc.start_channels()
    await kc.wait_for_ready(timeout=300)
    return km, kc, (time.perf_counter() - t0) * 1000


async def run_cells(kc, cells):
    text = []

    def hook(msg):
        if msg["header"]["msg_type"] == "stream":
            text.append(msg["content"]["text"])

    for code in cells:
        reply = await kc.execute_interactive(code, timeout=300, output_hook=hook)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"cell failed: {reply['content']}")
    if "hello, world" not in "".join(text):
        raise RuntimeError(f"no hello, world: {''.join(text)[:300]!r}")


async def main():
    name, count, workdir, pidfile, cells_json = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    with open(cells_json) as f:
        cells = json.load(f)
    started = await asyncio.gather(*(start(name, workdir, i, pidfile) for i in range(count)), return_exceptions=True)
    kernels = [s for s in started if not isinstance(s, BaseException)]
    try:
        failed = [s for s in started if isinstance(s, BaseException)]
        if failed:
            raise failed[0]
        t0 = time.perf_counter()
        await asyncio.gather(*(run_cells(kc, cells) for _, kc, _ in kernels))
        wall = (time.perf_counter() - t0) * 1000
        print(json.dumps({"ready": [r for _, _, r in kernels], "cells_wall_ms": wall, "pids": [km.provisioner.pid for km, _, _ in kernels]}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    finally:
        for _, kc, _ in kernels:
            kc.stop_channels()
        await asyncio.gather(*(km.shutdown_kernel() for km, _, _ in kernels), return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
