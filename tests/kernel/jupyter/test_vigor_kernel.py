"""The vigor kernel under a real Jupyter client (Debian's jupyter_client and jupyter_kernel_test 0.4.5).

Run by tests/kernel/jupyter-protocol.test.ts with JUPYTER_PATH pointing at a temporary kernelspec install.
"""

import time
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel

TIMEOUT = 30


def reply_content(kc, msg_id, timeout=TIMEOUT):
    """The content of the shell reply to request `msg_id` (replies to other requests are skipped)."""
    while True:
        reply = kc.get_shell_msg(timeout=timeout)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


class VigorKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "vigor"
    language_name = "python"
    file_extension = ".py"

    code_hello_world = "print('hello, world')"
    code_stderr = "import sys; print('something went wrong', file=sys.stderr)"
    code_generate_error = "raise ValueError('this cell fails on purpose')"
    code_execute_result = [
        {"code": "6*7", "result": "42"},
        {"code": "'vig' + 'or'", "result": "'vigor'"},
        {"code": "HTML('<b>bold</b>')", "mime": "text/html", "result": "<b>bold</b>"},
    ]
    code_display_data = [
        {"code": "display(HTML('<table><tr><td>1</td></tr></table>'))", "mime": "text/html"},
        {"code": "display({'text/plain': '{}', 'application/json': {'a': 1}}, raw=True)", "mime": "application/json"},
    ]
    code_history_pattern = "6*7"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "print"
    code_clear_output = "clear_output()"
    completion_samples = [
        {"text": "zi", "matches": {"zip"}},
        {"text": "str.isdig", "matches": {"str.isdigit"}},
        {"text": "%%t", "matches": {"%%ts"}},
        # A magic's arguments complete from its options and folders, not as Python names (break, breakpoint).
        {"text": "%nf br", "matches": {"bridge"}},
        {"text": "%nf bridge --layers ", "matches": {"nf", "nf,io", "full"}},
        # Spec names in a plain cell, beside Python's.
        {"text": "x = pop_hea", "matches": {"pop_header"}},
    ]
    complete_code_samples = ["1", "print('hello, world')", "def f(x):\n    return 2 * x\n\n", "%nf bridge"]
    incomplete_code_samples = ["print('''hello", "def f(x):\n    x + 1", "for i in range(3):", "%%ts\nconst a = 1;"]
    invalid_code_samples = ["import = 7q", "1 +* 2"]

    # Samples of jupyter_kernel_test run in one kernel; the tests below need one of their own each.

    def execute_and_wait(self, kc, code, timeout=TIMEOUT):
        msg_id = kc.execute(code)
        while True:
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply


class OneKernelTests(unittest.TestCase):
    """Tests that share one kernel, started for the class."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="vigor")

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def reply_to(self, msg_id, timeout=TIMEOUT):
        return reply_content(self.kc, msg_id, timeout)


class PlainCellAssistanceTests(OneKernelTests):
    """is_complete's indent, inspection and `name?` in plain and property cells, as a front end asks for them."""

    def test_is_complete_indents_after_a_block_opener(self):
        for code, indent in [
            ("for port in range(2):", "    "),
            ("%%property drops_short\nif packet_size < 14:", "    "),
            ("# property: drops_short\nif packet_size < 14:\n    if now > 0:", "        "),
        ]:
            with self.subTest(code=code):
                self.assertEqual(self.reply_to(self.kc.is_complete(code)), {"status": "incomplete", "indent": indent})
        self.assertEqual(self.reply_to(self.kc.is_complete("# property: p\nreturn ([], [])"))["status"], "complete")

    def test_inspect_documents_spec_names_in_plain_cells(self):
        code = "h = pop_header(ether)"
        content = self.reply_to(self.kc.inspect(code, cursor_pos=code.index("ether") + 2))
        self.assertEqual(content["status"], "ok")
        self.assertTrue(content["found"])
        self.assertIn("ether", content["data"]["text/plain"])
        content = self.reply_to(self.kc.inspect("pop_header", cursor_pos=3))
        self.assertTrue(content["data"]["text/plain"].startswith("pop_header("), content)

    def test_question_mark_shows_documentation_through_execute(self):
        msg_id = self.kc.execute("len?")
        self.assertEqual(self.reply_to(msg_id)["status"], "ok")
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "display_data":
                self.assertIn("Signature: len(", msg["content"]["data"]["text/plain"])
                return


class InterruptTests(unittest.TestCase):
    """A long-running Python loop stops within 2 s of an interrupt, and the kernel keeps working."""

    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name="vigor")
        # Pyodide loads in the background; the first cell waits for it, so load it before timing anything.
        self.assertEqual(self.run_cell("counter = 0")["content"]["status"], "ok")

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def run_cell(self, code):
        msg_id = self.kc.execute(code)
        return self.reply_to(msg_id)

    def reply_to(self, msg_id, timeout=TIMEOUT):
        while True:
            reply = self.kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def interrupt_loop(self, code, interrupt):
        msg_id = self.kc.execute(code)
        time.sleep(1.0)
        started = time.monotonic()
        interrupt()
        reply = self.reply_to(msg_id, timeout=10)
        elapsed = time.monotonic() - started
        self.assertEqual(reply["content"]["status"], "error", reply["content"])
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt", reply["content"])
        self.assertLess(elapsed, 2.0, f"the interrupt took {elapsed:.2f} s")
        after = self.run_cell("counter > 0")
        self.assertEqual(after["content"]["status"], "ok")
        return after

    def result_of(self, code):
        msg_id = self.kc.execute(code)
        self.reply_to(msg_id)
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "execute_result":
                return msg["content"]["data"]["text/plain"]

    def test_sigint_stops_a_busy_loop(self):
        self.interrupt_loop("while True:\n    counter += 1", self.km.interrupt_kernel)
        # The variables survive: the interpreter was interrupted, not replaced.
        self.assertEqual(self.result_of("counter > 1000"), "True")

    def test_interrupt_request_stops_a_sleep(self):
        def send_interrupt_request():
            message = self.kc.session.msg("interrupt_request", {})
            self.kc.control_channel.send(message)
            reply = self.kc.get_control_msg(timeout=5)
            self.assertEqual(reply["msg_type"], "interrupt_reply")
            self.assertEqual(reply["content"]["status"], "ok")

        self.interrupt_loop("import time\ncounter = 1\ntime.sleep(60)", send_interrupt_request)


class KeyboardInputTests(OneKernelTests):
    """input() in a cell: an input_request on stdin to the client that allows it, answered with input_reply."""

    def stdout_of(self, msg_id):
        text = ""
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                text += msg["content"]["text"]
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return text

    def test_input_is_asked_on_stdin_and_the_cell_gets_the_answer(self):
        msg_id = self.kc.execute("print('before')\nname = input('Name? ')\nprint('hello', name)", allow_stdin=True)
        request = self.kc.get_stdin_msg(timeout=TIMEOUT)
        self.assertEqual(request["msg_type"], "input_request")
        self.assertEqual(request["parent_header"]["msg_id"], msg_id)
        self.assertEqual(request["content"], {"prompt": "Name? ", "password": False})
        self.kc.input("Ada")
        self.assertEqual(self.reply_to(msg_id)["status"], "ok")
        self.assertEqual(self.stdout_of(msg_id), "before\nhello Ada\n")

    def test_an_interrupt_ends_a_wait_for_input(self):
        msg_id = self.kc.execute("answer = input('Never answered? ')", allow_stdin=True)
        self.assertEqual(self.kc.get_stdin_msg(timeout=TIMEOUT)["content"]["prompt"], "Never answered? ")
        started = time.monotonic()
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id, timeout=10)
        self.assertEqual(reply["ename"], "KeyboardInterrupt")
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertEqual(self.reply_to(self.kc.execute("after = 1"))["status"], "ok")

    def test_a_client_that_does_not_allow_stdin_gets_an_error_saying_so(self):
        reply = self.reply_to(self.kc.execute("input('Name? ')", allow_stdin=False))
        self.assertEqual(reply["ename"], "RuntimeError")
        self.assertIn("allow_stdin", reply["evalue"])


# 2^24 spec paths per trace of the learner: far longer than the test. The engine polls between spec paths.
SLOW_PROPERTY = """%%property slow
h = pop_header(ether, on_mismatch=([], []))
n = 0
for bit in range(24):
    if (now >> bit) & 1 == 1:
        n = n + 1
return ([...], [ether(h)])"""


class VerificationInterruptTests(unittest.TestCase):
    """An interrupt during a long verification returns control within 2 s, and the next cell runs."""

    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name="vigor")

    def tearDown(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def reply_to(self, msg_id, timeout=TIMEOUT):
        return reply_content(self.kc, msg_id, timeout)

    def wait_for_progress(self, msg_id, text):
        """The progress display's update_display_data messages, until one mentions `text`."""
        while True:
            msg = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if msg["parent_header"].get("msg_id") != msg_id or msg["msg_type"] != "update_display_data":
                continue
            if text in msg["content"]["data"]["text/plain"]:
                return

    def test_sigint_stops_a_long_verification(self):
        # The kernel's working directory is the test's (the repository): the learner NF by path.
        selected = self.reply_to(self.kc.execute("%nf tests/programs/nfs/learner"), timeout=120)
        self.assertEqual(selected["status"], "ok", selected)
        msg_id = self.kc.execute(SLOW_PROPERTY)
        self.wait_for_progress(msg_id, "checking slow")
        started = time.monotonic()
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id, timeout=10)
        elapsed = time.monotonic() - started
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "KeyboardInterrupt")
        self.assertLess(elapsed, 2.0, f"the interrupt took {elapsed:.2f} s")
        after = self.reply_to(self.kc.execute("%%property short\nif packet_size < 14:\n    return ([], [])"), timeout=60)
        self.assertEqual(after["status"], "ok", after)


class LifecycleTests(unittest.TestCase):
    def test_cells_queued_behind_a_failing_cell_are_aborted(self):
        km, kc = start_new_kernel(kernel_name="vigor")
        try:
            # Sent together, as "run all" does: the cells after the failing one must not run.
            ids = [kc.execute(code) for code in ("ran = []", "raise RuntimeError('stop here')", "ran.append(3)")]
            replies = {}
            while len(replies) < len(ids):
                reply = kc.get_shell_msg(timeout=TIMEOUT)
                if reply["parent_header"].get("msg_id") in ids:
                    replies[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
            self.assertEqual([replies[i] for i in ids], ["ok", "error", "aborted"])
            outputs = []
            kc.execute_interactive("ran", timeout=TIMEOUT, output_hook=outputs.append)
            results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
            self.assertEqual(results, ["[]"])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def test_restart_gives_a_fresh_working_kernel(self):
        km, kc = start_new_kernel(kernel_name="vigor")
        try:
            kc.execute_interactive("marker = 1", timeout=TIMEOUT)
            old_pid = km.provisioner.process.pid
            km.restart_kernel(now=False)
            kc.wait_for_ready(timeout=TIMEOUT)
            self.assertNotEqual(km.provisioner.process.pid, old_pid)
            outputs = []
            reply = kc.execute_interactive("'marker' in globals()", timeout=TIMEOUT, output_hook=outputs.append)
            self.assertEqual(reply["content"]["status"], "ok")
            results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
            self.assertEqual(results, ["False"])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def test_shutdown_request_ends_the_process(self):
        km, kc = start_new_kernel(kernel_name="vigor")
        try:
            process = km.provisioner.process
            kc.shutdown()  # sent on the control channel by this jupyter_client
            reply = kc.get_control_msg(timeout=TIMEOUT)
            while reply["msg_type"] != "shutdown_reply":
                reply = kc.get_control_msg(timeout=TIMEOUT)
            self.assertEqual(reply["content"]["status"], "ok")
            process.wait(timeout=10)
            self.assertIsNotNone(process.returncode)
        finally:
            kc.stop_channels()
            km.cleanup_resources()


if __name__ == "__main__":
    unittest.main(verbosity=2)
