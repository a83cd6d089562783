"""Jupyter's own conformance suite (jupyter_kernel_test) run against sockbook.

Every sample the suite knows is supplied, so none of its tests is skipped.
Run by test/conformance.test.ts with a kernelspec installed in a temp dir.
"""
import unittest

import jupyter_kernel_test


class SockbookKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "sockbook"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.ma", "matches": ["max"]},
        {"text": "const completeMe = 1; complete", "matches": ["completeMe"]},
    ]

    complete_code_samples = ["1", 'console.log("hello")', "const a = 1;", "function f() { return 1 }"]
    incomplete_code_samples = ["function f() {", "const s = [1, 2,", "const t = `abc"]
    invalid_code_samples = ["}}} )"]

    code_page_something = "?Math.max"

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "1 + 2 + 3", "result": "6"},
        {"code": "'sock' + 'book'", "result": "'sockbook'"},
    ]
    code_history_pattern = "1 + 2*"
    supported_history_operations = ("tail", "range", "search")

    code_display_data = [
        {"code": 'display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.markdown("**bold**")', "mime": "text/markdown"},
    ]

    code_clear_output = "display.clear()"

    code_inspect_sample = "Math.max"


if __name__ == "__main__":
    unittest.main()
