"""The Python half of the kernel, running inside Pyodide (see python-worker.ts).

Every entry point takes plain strings and returns a JSON string, so nothing but strings crosses
between Python and JavaScript (proxies are slow and must be freed by hand).
"""

import ast
import builtins
import codeop
import getpass
import inspect
import io
import json
import linecache
import pprint
import re
import rlcompleter
import signal
import sys
import time
import traceback
import types
import uuid

# Registered by python-worker.ts after start-up (a memory snapshot holds no JavaScript object): publish(kind,
# json), an interruptible sleep(seconds) and interrupted(). See start_session.
_kernel_host = None

# The user's variables; every cell runs in this one namespace, like IPython's user namespace.
user_namespace = {"__name__": "__main__", "__builtins__": builtins}

# Rich representations looked up on a value, in IPython's method names, when it has no _repr_mimebundle_.
_REPR_METHODS = (
    ("_repr_html_", "text/html"),
    ("_repr_markdown_", "text/markdown"),
    ("_repr_svg_", "image/svg+xml"),
    ("_repr_png_", "image/png"),
    ("_repr_jpeg_", "image/jpeg"),
    ("_repr_latex_", "text/latex"),
    ("_repr_json_", "application/json"),
)


def mime_bundle(value):
    """The MIME bundle of a value: its rich representations plus text/plain."""
    data, metadata = {}, {}
    if hasattr(value, "_repr_mimebundle_"):
        given = value._repr_mimebundle_()
        if isinstance(given, tuple):
            given, metadata = given
        data.update(given or {})
    for method, mime in _REPR_METHODS:
        if mime not in data and hasattr(value, method):
            shown = getattr(value, method)()
            if shown is not None:
                data[mime] = shown
    data.setdefault("text/plain", pprint.pformat(value))
    for mime, shown in data.items():
        if isinstance(shown, bytes):
            import base64

            data[mime] = base64.b64encode(shown).decode("ascii")
    return {"data": data, "metadata": metadata}


class DisplayHandle:
    """Returned by display(..., display_id=True): updates that one output in place (e.g. progress)."""

    def __init__(self, display_id):
        self.display_id = display_id

    def update(self, value, raw=False):
        update_display(value, display_id=self.display_id, raw=raw)

    def __repr__(self):
        return f"<DisplayHandle display_id={self.display_id}>"


def _publish(kind, payload):
    _kernel_host.publish(kind, json.dumps(payload, default=str))


def display(*values, display_id=None, raw=False, metadata=None):
    """Show values as rich output. raw=True: each value is already a MIME bundle ({mime: data}).

    display_id=True returns a DisplayHandle whose update() replaces what was shown.
    """
    if display_id is True:
        display_id = uuid.uuid4().hex
    for value in values:
        bundle = {"data": dict(value), "metadata": {}} if raw else mime_bundle(value)
        bundle["metadata"].update(metadata or {})
        _publish("display", {**bundle, "display_id": display_id})
    return DisplayHandle(display_id) if display_id else None


def update_display(value, *, display_id, raw=False):
    """Replace the output shown earlier with display(..., display_id=display_id)."""
    bundle = {"data": dict(value), "metadata": {}} if raw else mime_bundle(value)
    _publish("update", {**bundle, "display_id": display_id})


def clear_output(wait=False):
    """Clear the cell's output; wait=True clears only when the next output arrives (no flicker)."""
    _publish("clear", {"wait": bool(wait)})


class HTML:
    """display(HTML("<b>x</b>")) shows HTML."""

    def __init__(self, html):
        self.html = html

    def _repr_html_(self):
        return self.html

    def __repr__(self):
        return f"HTML({self.html[:60]!r})"


class Markdown:
    """display(Markdown("**x**")) shows Markdown."""

    def __init__(self, markdown):
        self.markdown = markdown

    def _repr_markdown_(self):
        return self.markdown

    def __repr__(self):
        return self.markdown


def _sleep(seconds):
    """time.sleep that an interrupt can cut short (Pyodide's own sleep busy-waits and ignores interrupts)."""
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    if seconds != seconds:
        raise ValueError("Invalid value NaN (not a number)")
    _kernel_host.sleep(float(seconds))


def _no_keyboard(what):
    """What reading the keyboard raises where the front end cannot be asked (kernel/README.md, "Input")."""
    return RuntimeError(
        f"{what} is not available here: this front end does not take input from the keyboard (it sent allow_stdin "
        "false, or runs the notebook unattended, as vigor run and nbconvert do); set the value in the cell instead"
    )


def _read_keyboard(what, prompt, password):
    """A line the user types at `prompt`, asked of the front end (an input request on its stdin channel). Where it
    cannot be asked, the prompt is shown in the cell's output and reading fails saying why."""
    sys.stdout.flush()
    sys.stderr.flush()
    value = _kernel_host.read_input(str(prompt), password)
    if value is None:
        sys.stdout.write(str(prompt))
        raise _no_keyboard(what)
    return value


def _input(prompt=""):
    return _read_keyboard("input()", prompt, False)


def _getpass(prompt="Password: ", stream=None):
    # getpass would look for a terminal and fall back to the process's own streams, outside the notebook.
    return _read_keyboard("getpass()", prompt, True)


class _KeyboardStdin(io.TextIOBase):
    """sys.stdin: a line at a time from the front end, as input() reads it (Pyodide's own stdin fails with an opaque
    OSError). Reading to the end fails: a keyboard never ends its input."""

    name = "<stdin>"

    def readable(self):
        return True

    def readline(self, size=-1):
        return _read_keyboard("sys.stdin.readline()", "", False) + "\n"

    def read(self, size=-1):
        raise _endless("sys.stdin.read()")

    def readlines(self, hint=-1):
        raise _endless("sys.stdin.readlines()")


def _endless(what):
    return RuntimeError(f"{what} reads until the end of input, which the keyboard never sends: read a line at a time with input() or sys.stdin.readline()")


def _snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


class Record:
    """A result as attributes (and keys): `vigor.nf.traces`, `result.counterexamples[0].packet`. as_dict() gives plain data."""

    def __init__(self, fields):
        self.__dict__.update({_snake(key): _record(value) for key, value in fields.items()})

    def __getitem__(self, key):
        return self.__dict__[key]

    def keys(self):
        return self.__dict__.keys()

    def as_dict(self):
        return {key: _plain(value) for key, value in self.__dict__.items()}

    def __repr__(self):
        shown = ", ".join(f"{key}={value!r}" for key, value in self.__dict__.items() if not isinstance(value, (list, dict, Record)))
        return f"{type(self).__name__}({shown})"


class Counterexample(Record):
    """A counterexample: packet (bytes), device, time, headers, state_entries, nf_output, spec_requires, ..."""

    def __init__(self, fields):
        super().__init__(fields)
        self.packet = bytes(self.packet)


class PropertyResult(Record):
    """A property's latest check: verdict ('holds', 'fails', 'invalid', 'error'), traces, spec_paths, queries,
    seconds, text (the verifier's own rendering) and, when it fails, counterexamples."""

    def __init__(self, fields):
        super().__init__(fields)
        self.counterexamples = [Counterexample(example) for example in fields.get("counterexamples", [])]

    @property
    def holds(self):
        return self.verdict == "holds"

    def __repr__(self):
        figures = f", {self.traces} traces, {self.spec_paths} spec paths, {self.seconds:.2f} s" if hasattr(self, "traces") else ""
        examples = f", {len(self.counterexamples)} counterexample(s)" if self.counterexamples else ""
        return f"<{self.name}: {self.verdict}{figures}{examples}>"


def _record(value):
    if isinstance(value, dict):
        return Record(value)
    if isinstance(value, list):
        return [_record(item) for item in value]
    return value


def _plain(value):
    if isinstance(value, Record):
        return value.as_dict()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


class VerificationResults:
    """`vigor`: what this kernel verified, kept up to date after every %nf, %%property and %verify.

    vigor.nf           the selected NF (name, folder, traces, violations, seconds, ...; trace_list; config: nf.json's
                       values as decimal strings), or None
    vigor.properties   {name: result} of the latest check of each property against it (vigor["name"] too)
    vigor.checks       the latest exploration of each NF and check of each property, in the order first run:
                       nf, layers, property (None for an exploration), verdict, traces, spec_paths, seconds (what %plot draws)
    vigor.layers       Table 3's figures per NF and layers explored: nf, layers, traces, exploration_seconds,
                       validation_seconds_per_trace (one property against one trace, over the checks; None before any)
    vigor.benchmarks   the latest %bench of each NF: nf, traffic, repetitions, passes, implementations (id, mpps, latency_ns,
                       latency_percentiles_ns, ...), ratios, missing
    vigor.evaluation   what %evaluate measured (None before it): sizes, nfs, lines, verification, bugs
    """

    def __init__(self):
        self.nf = None
        self.properties = {}
        self.checks = []
        self.layers = []
        self.benchmarks = []
        self.evaluation = None

    def __getitem__(self, name):
        try:
            return self.properties[name]
        except KeyError:
            known = ", ".join(self.properties) or "none yet (run %verify or a %%property cell)"
            raise KeyError(f"no property {name!r} was checked against the selected NF; checked: {known}") from None

    def __repr__(self):
        if self.nf is None:
            return "<vigor: no NF selected yet (%nf NAME)>"
        lines = [f"<vigor: {self.nf.name}, {self.nf.traces} traces, {self.nf.violations} violations>"]
        lines += [f"  {result!r}" for result in self.properties.values()]
        return "\n".join(lines)


vigor = VerificationResults()


def set_results(text):
    """Called by the kernel after each verification magic with what it knows (JSON)."""
    data = json.loads(text)
    vigor.nf = None if data["nf"] is None else Record(data["nf"])
    vigor.properties = {name: PropertyResult(fields) for name, fields in data["properties"].items()}
    vigor.checks = [Record(check) for check in data["checks"]]
    vigor.layers = [Record(figures) for figures in data["layers"]]
    vigor.benchmarks = [Record(benchmark) for benchmark in data.get("benchmarks", [])]
    vigor.evaluation = Record(data["evaluation"]) if data.get("evaluation") else None
    return json.dumps(None)


time.sleep = _sleep
builtins.input = _input
getpass.getpass = _getpass
sys.stdin = _KeyboardStdin()
for _helper in (display, update_display, clear_output, HTML, Markdown):
    user_namespace[_helper.__name__] = _helper


def _ipython_stand_in():
    """`from IPython.display import display, HTML`, as notebooks write it, finds these helpers: IPython itself is not
    in Pyodide. Only IPython.display exists; anything else of IPython's is an ImportError."""
    package = types.ModuleType("IPython", "This kernel's stand-in for IPython: IPython.display only.")
    package.__path__ = []  # a package, so that `import IPython.display` works
    module = types.ModuleType(
        "IPython.display",
        "This kernel's display helpers under IPython's names: display, update_display, clear_output, HTML, Markdown, DisplayHandle.",
    )
    for helper in (display, update_display, clear_output, HTML, Markdown, DisplayHandle):
        setattr(module, helper.__name__, helper)
    package.display = module
    sys.modules["IPython"], sys.modules["IPython.display"] = package, module


_ipython_stand_in()
user_namespace["vigor"] = vigor


def _ends_with_semicolon(code):
    """IPython's convention: a cell whose last line ends with ';' shows no result."""
    lines = [line for line in code.rstrip().splitlines() if not line.lstrip().startswith("#")]
    return bool(lines) and lines[-1].rstrip().endswith(";")


def start_session():
    """Connects this module to the worker; called once per interpreter, after the snapshot (if any) is restored."""
    global _kernel_host
    import _kernel_host
    # random was seeded when the snapshot was taken: without this every kernel would draw the same numbers.
    import random

    random.seed()
    _set_signal(signal.SIGINT, _on_sigint)


# SIGINT as the user's code sees it (signal.signal, signal.getsignal): Python's own handler until a cell installs
# another. Underneath is always _on_sigint, which first tells the host that the interrupt arrived: the host raises
# it again until told (Pyodide drops about one in ten), and replaces an interpreter whose cell has not ended within
# its grace, so a handler that does not raise would otherwise be called again and again, then lose every variable.
_sigint_handler = signal.default_int_handler
_set_signal = signal.signal
_get_signal = signal.getsignal


def _signal(signalnum, handler):
    global _sigint_handler
    if signalnum != signal.SIGINT:
        return _set_signal(signalnum, handler)
    if handler not in (signal.SIG_DFL, signal.SIG_IGN) and not callable(handler):
        raise TypeError("signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object")
    previous, _sigint_handler = _sigint_handler, handler
    return previous


def _getsignal(signalnum):
    return _sigint_handler if signalnum == signal.SIGINT else _get_signal(signalnum)


def _on_sigint(signum, frame):
    """Tells the host that the interrupt arrived, then does what the handler the user sees would: once per
    interrupt, as in Python. SIG_DFL raises KeyboardInterrupt (there is no process of the cell's own to end)."""
    _kernel_host.interrupted()
    handler = _sigint_handler
    if handler is signal.SIG_IGN:
        return
    if handler is signal.SIG_DFL:
        raise KeyboardInterrupt
    handler(signum, frame)


_signal.__doc__ = _set_signal.__doc__
_getsignal.__doc__ = _get_signal.__doc__
signal.signal = _signal
signal.getsignal = _getsignal


def _error_payload(error, filename):
    """ename/evalue/traceback showing the user's frames only: from the cell's frame down to where the
    runtime's own code (e.g. the interruptible sleep) or the host begins."""
    frames = traceback.extract_tb(error.__traceback__)
    start = next((i for i, frame in enumerate(frames) if frame.filename == filename), len(frames))
    frames = frames[start:]
    end = next((i for i, frame in enumerate(frames) if frame.filename == __file__), len(frames))
    frames = traceback.StackSummary.from_list(frames[:end])
    lines = ["Traceback (most recent call last):\n", *frames.format()] if frames else []
    lines += traceback.format_exception_only(type(error), error)
    return {
        "status": "error",
        "ename": type(error).__name__,
        "evalue": str(error),
        "traceback": [line.rstrip("\n") for line in lines],
    }


# IPython's shell escapes: `!command`, and `files = !ls` / `out, err = !cmd` capturing its output.
_SHELL_ESCAPE = re.compile(r"(?:[\w.]+(?:\s*,\s*[\w.]+)*\s*=\s*)?!")


def _shell_escape(code, error):
    """IPython's `!command` line, which this kernel cannot run, said in those words rather than as invalid syntax."""
    if not isinstance(error, SyntaxError) or not error.lineno:
        return None
    lines = code.splitlines()
    line = lines[error.lineno - 1].strip() if error.lineno <= len(lines) else ""
    if not _SHELL_ESCAPE.match(line):
        return None
    message = (
        f"line {error.lineno}: {line[:60]!r} is a shell command, which this kernel does not run: its Python is "
        "Pyodide, without a shell. A %%ts cell can: import { execSync } from 'child_process'; "
        "execSync('ls').toString()"
    )
    return {"status": "error", "ename": "UsageError", "evalue": message, "traceback": [f"UsageError: {message}"]}


def run_cell(code, filename):
    """Execute a cell; the value of a last bare expression is the result. Tracebacks name `filename` with cell lines."""
    # Registering the source lets tracebacks and inspect.getsource show the cell's lines.
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    try:
        tree = ast.parse(code, filename, "exec")
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        exec(compile(tree, filename, "exec"), user_namespace)
        result = None
        if last is not None:
            value = eval(compile(ast.Expression(last.value), filename, "eval"), user_namespace)
            if value is not None and not _ends_with_semicolon(code):
                user_namespace["_"] = value
                result = mime_bundle(value)
        return json.dumps({"status": "ok", "result": result}, default=str)
    except BaseException as error:  # KeyboardInterrupt and SystemExit too: the kernel must survive them
        shell = _shell_escape(code, error)
        return json.dumps(shell or _error_payload(error, filename), default=str)
    finally:
        # Output written without a newline is still in Python's buffers; it belongs to this cell.
        sys.stdout.flush()
        sys.stderr.flush()


_COMPLETABLE = re.compile(r"(?:[A-Za-z_]\w*\.)*\w*$")


def complete(code, cursor_pos):
    """Names and attributes of the user namespace (and builtins, keywords) matching the text before the cursor."""
    text = _COMPLETABLE.search(code[:cursor_pos]).group(0)
    matches = []
    if text:
        completer = rlcompleter.Completer(user_namespace)
        state = 0
        while (match := completer.complete(text, state)) is not None:
            # rlcompleter adds "(" to callables and " " / ":" to keywords for readline; editors add their own.
            match = match.rstrip("(: ")
            if match not in matches:
                matches.append(match)
            state += 1
    return json.dumps({"matches": matches, "cursor_start": cursor_pos - len(text), "cursor_end": cursor_pos})


_NAME_BEFORE = re.compile(r"[A-Za-z_][\w.]*$")
_NAME_AFTER = re.compile(r"^\w*")
_CALL_BEFORE = re.compile(r"([A-Za-z_][\w.]*)\s*\([^()]*$")


def _name_at(code, cursor_pos):
    before, after = code[:cursor_pos], code[cursor_pos:]
    found = _NAME_BEFORE.search(before)
    if found:
        return (found.group(0) + _NAME_AFTER.match(after).group(0)).rstrip(".")
    # Inside a call's parentheses, document the function being called, as IPython does.
    call = _CALL_BEFORE.search(before)
    return call.group(1) if call else ""


def _resolve(dotted):
    """The object a dotted name denotes, by lookups only (nothing is called)."""
    head, *attributes = dotted.split(".")
    if head in user_namespace:
        value = user_namespace[head]
    elif hasattr(builtins, head):
        value = getattr(builtins, head)
    else:
        raise LookupError(head)
    for attribute in attributes:
        value = getattr(value, attribute)
    return value


def inspect_name(code, cursor_pos, detail_level):
    """text/plain documentation of the name at the cursor (signature, type, docstring; source at detail 1)."""
    name = _name_at(code, cursor_pos)
    if not name:
        return json.dumps(None)
    try:
        value = _resolve(name)
    except (LookupError, AttributeError):
        return json.dumps(None)
    parts = []
    if callable(value):
        try:
            parts.append(f"Signature: {name}{inspect.signature(value)}")
        except (TypeError, ValueError):
            pass
    parts.append(f"Type: {type(value).__name__}")
    if not callable(value) and not inspect.ismodule(value):
        parts.append(f"Value: {pprint.pformat(value)[:2000]}")
    doc = inspect.getdoc(value)
    # A plain value's docstring is its type's (int's for 5): noise, so it is shown only for callables and modules.
    if doc and (callable(value) or inspect.ismodule(value)):
        parts.append(f"Docstring:\n{doc}")
    elif doc and type(value).__module__ != "builtins":
        # An instance of a class of a module (e.g. `vigor`): its class says what it is, as IPython shows.
        parts.append(f"Class docstring:\n{doc}")
    if detail_level == 1:
        try:
            parts.append(f"Source:\n{inspect.getsource(value)}")
        except (OSError, TypeError):
            pass
    return json.dumps({"text/plain": "\n".join(parts)})


# What the compiler (not the parser) says of a spec's top level: a property may `return` its answer there.
_SPEC_TOP_LEVEL = ("'return' outside function",)


def is_complete(code, spec=False):
    """Whether a console should run the code now ('complete'), ask for more lines ('incomplete'), or it cannot parse.

    As in IPython, an indented last line keeps the block open until an empty line ends it. spec: the code is a
    property's, parsed as the spec front-end parses it (a top-level return is allowed)."""
    try:
        compiled = codeop.compile_command(code, "<input>", "exec")
    except SyntaxError as error:
        if not (spec and error.msg in _SPEC_TOP_LEVEL):
            return json.dumps({"status": "invalid"})
        compiled = True  # it parsed: only the compiler objected
    except (OverflowError, ValueError):
        return json.dumps({"status": "invalid"})
    last = code.splitlines()[-1] if code.strip() else ""
    indent = last[: len(last) - len(last.lstrip())]
    if compiled is not None and not (indent and last.strip() and not code.endswith("\n")):
        return json.dumps({"status": "complete"})
    if last.rstrip().endswith(":"):
        indent += "    "
    return json.dumps({"status": "incomplete", "indent": indent})


def evaluate_expressions(expressions_json):
    """An execute request's user_expressions, as ipykernel answers them: each expression's value in the user
    namespace as a MIME bundle, or the exception it raised (one failing does not stop the others)."""
    results = {}
    for name, expression in json.loads(expressions_json).items():
        try:
            results[name] = {"status": "ok", **mime_bundle(eval(expression, user_namespace))}
        except Exception as error:
            results[name] = {"status": "error", "ename": type(error).__name__, "evalue": str(error), "traceback": []}
    return json.dumps(results, default=str)


_MAGIC_FIELD = re.compile(r"\{\{|\}\}|\{([^{}]+)\}")


def expand_magic_args(text):
    """IPython's substitution in a line magic's arguments: {expression} is replaced by its value in the user
    namespace (so a papermill parameters cell can choose what `%nf {nf}` selects); {{ and }} are literal braces."""

    def field(match):
        if match.group(1) is None:
            return match.group(0)[0]
        return str(eval(match.group(1), user_namespace))

    try:
        return json.dumps({"status": "ok", "text": _MAGIC_FIELD.sub(field, text)})
    except Exception as error:
        return json.dumps({"status": "error", "ename": type(error).__name__, "evalue": str(error)})
