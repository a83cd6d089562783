"""A course server's load through jupyter_client's AsyncKernelManager.

Starts COUNT kernels of one kernel name at once (each in its own directory,
with its own SOCKBOOK_CACHE_DIR), times each start_kernel + wait_for_ready,
then runs the cells of CELLS_JSON in every kernel at the same time, one
asyncio task per kernel. Run it with jupyter_client 8 (the pinned
environment): its AsyncKernelClient.execute_interactive waits on a
zmq.asyncio poller, so one kernel's wait never holds up another's (version 7
polled with a blocking zmq.Poller inside the event loop, which ran the
kernels' cells partly one after another).

The trace proves it: for every cell, when the driver sent it and got its
reply (the driver's clock) and when the kernel said busy and idle (the
kernel's header dates, the same machine clock). Prints one JSON line
{"ready": [ms...], "cells_wall_ms": ms, "pids": [...], "trace": [...],
"restarts": [...]} (kernels that died before they were ready and were started again),
waits for a line on stdin (the caller reads memory meanwhile), then shuts
every kernel down. Each pid is appended to PIDFILE as soon as it exists.

usage: course_load.py NAME COUNT WORKDIR PIDFILE CELLS_JSON
"""
import asyncio
import json
import os
import sys
import time

import jupyter_client
from jupyter_client.manager import AsyncKernelManager

if int(jupyter_client.__version__.split(".")[0]) < 8:
    sys.exit(f"course_load.py needs jupyter_client 8 or later (its async client does not block the event loop); this is {jupyter_client.__version__}")


RETRIES = []


async def start(name, workdir, index, pidfile):
    """Starts one kernel; one that dies before it is ready is started again (at most twice), and counted.

    jupyter_client picks each kernel's five ports as free ones and the kernel binds them later: on a
    shared machine another process can take one meanwhile, and the kernel then dies at its bind.
    """
    cwd = os.path.join(workdir, f"kernel-{index}")
    os.makedirs(cwd, exist_ok=True)
    env = dict(os.environ, SOCKBOOK_CACHE_DIR=os.path.join(cwd, "compile-cache"))
    for attempt in range(3):
        km = AsyncKernelManager(kernel_name=name)
        t0 = time.perf_counter()
        await km.start_kernel(cwd=cwd, env=env)
        with open(pidfile, "a") as f:
            f.write(f"{km.provisioner.pid}\n")
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=300)
            return km, kc, (time.perf_counter() - t0) * 1000
        except RuntimeError as error:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)
            if attempt == 2 or "died" not in str(error):
                raise
            RETRIES.append(f"kernel {index}: {error}")


def stamp(date):
    """A header date (datetime, or the ISO string when not parsed) as seconds since the epoch."""
    if hasattr(date, "timestamp"):
        return date.timestamp()
    from datetime import datetime

    return datetime.fromisoformat(str(date).replace("Z", "+00:00")).timestamp()


async def run_cells(index, kc, cells):
    text = []
    trace = []
    for code in cells:
        entry = {"kernel": index, "sent": time.time()}

        def hook(msg):
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                text.append(msg["content"]["text"])
            elif kind == "status" and msg["content"]["execution_state"] in ("busy", "idle"):
                entry[msg["content"]["execution_state"]] = stamp(msg["header"]["date"])

        reply = await kc.execute_interactive(code, timeout=300, output_hook=hook)
        entry["replied"] = time.time()
        trace.append(entry)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"cell failed: {reply['content']}")
    # A stream message published after the last cell's idle (seen from ipykernel on a loaded machine) still counts.
    deadline = time.time() + 5
    while "hello, world" not in "".join(text) and time.time() < deadline:
        try:
            msg = await kc.get_iopub_msg(timeout=0.5)
        except Exception:
            continue
        if msg["header"]["msg_type"] == "stream":
            text.append(msg["content"]["text"])
    if "hello, world" not in "".join(text):
        raise RuntimeError(f"no hello, world: {''.join(text)[:300]!r}")
    return trace


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
        traces = await asyncio.gather(*(run_cells(i, kc, cells) for i, (_, kc, _) in enumerate(kernels)))
        wall = (time.perf_counter() - t0) * 1000
        print(
            json.dumps(
                {
                    "ready": [r for _, _, r in kernels],
                    "cells_wall_ms": wall,
                    "pids": [km.provisioner.pid for km, _, _ in kernels],
                    "trace": [e for t in traces for e in t],
                    "restarts": RETRIES,
                }
            ),
            flush=True,
        )
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    finally:
        for _, kc, _ in kernels:
            kc.stop_channels()
        await asyncio.gather(*(km.shutdown_kernel() for km, _, _ in kernels), return_exceptions=True)


if __name__ == "__main__":
    asyncio.run(main())
