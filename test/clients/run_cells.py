"""Runs cells on the sockbook kernel through jupyter_client, as a frontend does.

Reads {"cells": [...], "inspect": [[code, cursor], ...], "interrupt": [...]}
on stdin; prints one JSON object: the kernel_info reply's content; per cell,
its execute_reply content and the iopub messages (msg_type and content) it
caused; the inspect replies; and the same for each "interrupt" cell, which
is interrupted (interrupt_request) a second after it starts.
Used by test/new-user.test.ts with a kernelspec installed in a temp dir.
"""
import json
import sys
import threading

from jupyter_client.manager import start_new_kernel


def run(client, code, interrupt=None):
    msg_id = client.execute(code, allow_stdin=False)
    if interrupt is not None:
        threading.Timer(1.0, interrupt).start()
    reply = client.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = client.get_shell_msg(timeout=60)
    outputs = []
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "status" and msg["content"]["execution_state"] == "idle":
            break
        if kind not in ("status", "execute_input"):
            outputs.append({"msg_type": kind, "content": msg["content"]})
    return {"reply": reply["content"], "outputs": outputs}


def main():
    request = json.load(sys.stdin)
    manager, client = start_new_kernel(kernel_name="sockbook", startup_timeout=60)
    try:
        info = client.kernel_info(reply=True, timeout=30)["content"]
        cells = [run(client, code) for code in request.get("cells", [])]
        inspections = [
            client.inspect(code, cursor, reply=True, timeout=60)["content"]
            for code, cursor in request.get("inspect", [])
        ]
        interrupts = [run(client, code, manager.interrupt_kernel) for code in request.get("interrupt", [])]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)
    result = {"kernel_info": info, "cells": cells, "inspections": inspections, "interrupts": interrupts}
    json.dump(result, sys.stdout, default=str)


main()
