"""Start -> ready as jupyter_client sees it.

For each kernel name, KernelManager.start_kernel() then the client's
wait_for_ready(), timed together; then a normal shutdown. Kernels are
interleaved (one of each per round) so both see the same load. Every kernel
pid is appended to PIDFILE as soon as it exists, so the caller can kill what
a crashed driver left behind. Prints one JSON object: {name: [ms, ...]}.

usage: start_ready.py PIDFILE WARMUP ROUNDS NAME...
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager


def start_to_ready(name, pidfile):
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    with open(pidfile, "a") as f:
        f.write(f"{km.provisioner.pid}\n")
    kc = km.client()
    try:
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        return (time.perf_counter() - t0) * 1000
    finally:
        kc.stop_channels()
        km.shutdown_kernel()


def main():
    pidfile, warmup, rounds, names = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    times = {name: [] for name in names}
    for i in range(warmup + rounds):
        for name in names:
            ms = start_to_ready(name, pidfile)
            if i >= warmup:
                times[name].append(ms)
    print(json.dumps(times))


if __name__ == "__main__":
    main()
