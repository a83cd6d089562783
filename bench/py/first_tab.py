"""The first Tab and Shift-Tab as jupyter_client sees them.

Per round and kernel name, two fresh kernels (KernelManager.start_kernel,
then wait_for_ready):
  1. complete_request at once after ready, then the same request again;
  2. inspect_request at once after ready; then IDLE seconds of nothing and a
     complete_request; then IDLE seconds more and an inspect_request.
Each request is timed from send to reply. Kernels are interleaved (one of
each name per round), so both see the same load. Every kernel pid is
appended to PIDFILE as soon as it exists. Prints one JSON object:
{name: {measure: [ms, ...]}, "answers": {name: {measure: count}}}, where a
count is the number of matches (completion) or of characters (inspection)
of the last answer, so an empty answer shows.

usage: first_tab.py PIDFILE WARMUP ROUNDS IDLE_S NAME:COMPLETE_CODE:INSPECT_CODE...
"""
import json
import os
import sys
import time

from jupyter_client.manager import KernelManager


def started(name, pidfile, env):
    km = KernelManager(kernel_name=name)
    km.start_kernel(env=env)
    with open(pidfile, "a") as f:
        f.write(f"{km.provisioner.pid}\n")
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


def stopped(km, kc):
    kc.stop_channels()
    km.shutdown_kernel()


def timed_complete(kc, code):
    t0 = time.perf_counter()
    reply = kc.complete(code, len(code), reply=True, timeout=60)
    ms = (time.perf_counter() - t0) * 1000
    return ms, len(reply["content"].get("matches", []))


def timed_inspect(kc, code):
    t0 = time.perf_counter()
    reply = kc.inspect(code, len(code), detail_level=0, reply=True, timeout=60)
    ms = (time.perf_counter() - t0) * 1000
    text = reply["content"].get("data", {}).get("text/plain", "")
    return ms, len(text)


def round_of(name, complete_code, inspect_code, idle_s, pidfile, env, times, answers):
    def record(measure, result):
        ms, size = result
        times.setdefault(measure, []).append(ms)
        answers[measure] = size

    km, kc = started(name, pidfile, env)
    try:
        record("complete_after_ready", timed_complete(kc, complete_code))
        time.sleep(0.2)
        record("complete_again", timed_complete(kc, complete_code))
    finally:
        stopped(km, kc)

    km, kc = started(name, pidfile, env)
    try:
        record("inspect_after_ready", timed_inspect(kc, inspect_code))
        time.sleep(idle_s)
        record("complete_after_idle", timed_complete(kc, complete_code))
        time.sleep(idle_s)
        record("inspect_after_idle", timed_inspect(kc, inspect_code))
    finally:
        stopped(km, kc)


def main():
    pidfile, warmup, rounds, idle_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    kernels = [spec.split(":", 2) for spec in sys.argv[5:]]
    env = dict(os.environ)
    times = {name: {} for name, _, _ in kernels}
    answers = {name: {} for name, _, _ in kernels}
    for i in range(warmup + rounds):
        for name, complete_code, inspect_code in kernels:
            kept = {} if i < warmup else times[name]
            round_of(name, complete_code, inspect_code, idle_s, pidfile, env, kept, answers[name])
    print(json.dumps({"times": times, "answers": answers}))


if __name__ == "__main__":
    main()
