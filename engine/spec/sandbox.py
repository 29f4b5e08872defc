# The spec sandbox: what a spec's code can reach in the spec interpreter (see README.md, "The sandbox").
#
# Three layers, none of which reads the spec's text as text:
# - the interpreter: once the prelude is loaded, `lock_down` removes every module that reaches the host (`js`,
#   `pyodide`, `_pyodide*`, `os`, `io`, the import machinery) from `sys.modules`, empties the import system and
#   leaves `__import__` answering only the prelude's own modules, from a table made before the lock-down, and
#   removes `open` and the terminal's builtins;
# - the spec's code: compiled from its syntax tree (`compile_spec`), which refuses reading or writing an
#   attribute whose name starts with `_` or opens the interpreter's internals (frames, code, generators,
#   closures, the class hierarchy), names starting with `__`, and every attribute store and delete;
# - the spec's builtins (`spec_builtins`): no `open`, `eval`, `exec`, `compile`, `getattr`, `type`, `vars`,
#   `globals`, `print`...; `import` reaches only `state`; `sum`, `any`, `all`, `min` and `max` are written in
#   Python so that the time limit's interrupt reaches them (a loop inside C never checks it).
import ast
import builtins
import sys
import types

# Attribute names that open the interpreter's internals without a leading underscore; `str.format` reads
# attributes and items named in its text (`"{0.__globals__}"`), where this check cannot see them.
_INTERNAL_PREFIXES = ("f_", "co_", "gi_", "cr_", "ag_", "tb_")
_INTERNAL_NAMES = {"cell_contents", "mro", "format", "format_map"}

# Modules that reach the host (JavaScript, files, processes) or rebuild what lock_down removed; the prelude keeps
# `vigor_bridge` through the import table.
_HOST_MODULES = ("js", "vigor_bridge", "pyodide", "pyodide_js", "_pyodide", "_pyodide_core", "os", "posix", "io",
                 "_io", "importlib", "_imp", "_frozen_importlib", "_frozen_importlib_external", "zipimport", "gc",
                 "ctypes", "_ctypes", "subprocess", "socket", "_socket", "shutil", "pathlib", "inspect", "traceback",
                 "code", "codeop", "runpy", "site", "pkgutil", "marshal", "pickle", "_pickle", "asyncio", "_asyncio",
                 "threading", "_thread", "atexit", "fcntl", "ssl", "_ssl", "select", "tempfile")

# Builtins that reach host files or the terminal, removed for every module (the prelude needs none of them;
# a spec's code has its own, smaller table: spec_builtins).
_REMOVED_BUILTINS = ("open", "breakpoint", "input", "help", "exit", "quit", "copyright", "credits", "license")


class SandboxError(Exception):
    """What a spec's code may not do, with the line of the spec body it is on."""

    def __init__(self, line, message):
        super().__init__(message)
        self.line = line


def lock_down(kept):
    """Leaves the interpreter with no route to the host: only the modules in `kept` (name -> module, imported
    before this call) can still be imported, by the prelude."""
    table = dict(kept)
    for name in list(sys.modules):
        root = name.split(".")[0]
        if root in _HOST_MODULES or name.startswith(("pyodide", "_pyodide")):
            del sys.modules[name]
    sys.meta_path.clear()
    sys.path_hooks.clear()
    sys.path_importer_cache.clear()
    sys.path.clear()

    def restricted_import(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name in table:
            return table[name]
        raise ImportError(f"no module named {name!r} in the spec interpreter")

    builtins.__import__ = restricted_import
    for name in _REMOVED_BUILTINS:
        if hasattr(builtins, name):
            delattr(builtins, name)


def _checked_name(line, name):
    if name.startswith("_") or name.startswith(_INTERNAL_PREFIXES) or name in _INTERNAL_NAMES:
        raise SandboxError(line, f"a spec cannot use the attribute {name!r} (the interpreter's internals are not part of the spec language)")


class _Checker(ast.NodeVisitor):
    def __init__(self, allowed_names):
        self.allowed_names = allowed_names

    def visit_Attribute(self, node):
        # The object first: `().__class__.__base__` is refused at `__class__`, the first name in reading order.
        self.generic_visit(node)
        _checked_name(node.lineno, node.attr)
        if not isinstance(node.ctx, ast.Load):
            raise SandboxError(node.lineno, f"a spec cannot assign or delete attributes (.{node.attr})")

    def visit_MatchClass(self, node):
        # `case int(__class__=c)` reads an attribute by name, without an Attribute node.
        for name in node.kwd_attrs:
            _checked_name(node.lineno, name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        # `from state import __dict__` reads an attribute of the state module by name.
        for alias in node.names:
            _checked_name(node.lineno, alias.name)

    def visit_Name(self, node):
        if node.id.startswith("__") and node.id not in self.allowed_names:
            raise SandboxError(node.lineno, f"a spec cannot use the name {node.id!r}")


class _IntegerDivision(ast.NodeTransformer):
    """`/` divides integers in specs, as `//` does: Vigor's specs became code over unbounded integers."""

    def visit_Div(self, node):
        return ast.FloorDiv()


# What `x in y` and `x not in y` call instead (the prelude binds it): over a list of addresses and a symbolic value,
# Python would decide each element's equality in turn, one spec path per element. Spec code cannot name it.
MEMBERSHIP = "__membership__"


class _Membership(ast.NodeTransformer):
    """`x in y` becomes `__membership__(x, y, False)`, `x not in y` `__membership__(x, y, True)`."""

    def visit_Compare(self, node):
        self.generic_visit(node)
        if len(node.ops) != 1 or not isinstance(node.ops[0], (ast.In, ast.NotIn)):
            return node
        negated = ast.Constant(isinstance(node.ops[0], ast.NotIn))
        call = ast.Call(ast.Name(MEMBERSHIP, ast.Load()), [node.left, node.comparators[0], negated], [])
        return ast.copy_location(call, node)


# What a read through the function dialect's transmitted_packet calls instead (the prelude binds it):
# `transmitted_packet.ipv4.ttl` becomes `__sent_read__(__sent_read__(transmitted_packet, 'ipv4', ...), 'ttl', ...)`,
# so that a read the NF's output does not allow (it sent nothing, or no such header) is that path's failure, said
# in the spec's words, rather than Python's AttributeError on None. Spec code cannot name it.
SENT_READ = "__sent_read__"
SENT = "transmitted_packet"


class _SentReads(ast.NodeTransformer):
    def visit_Attribute(self, node):
        text = _sent_chain(node)
        if not isinstance(node.ctx, ast.Load) or text is None:
            return self.generic_visit(node)
        self.generic_visit(node)
        call = ast.Call(ast.Name(SENT_READ, ast.Load()), [node.value, ast.Constant(node.attr), ast.Constant(text)], [])
        return ast.copy_location(call, node)


def _sent_chain(node):
    """`transmitted_packet.a.b` as text when `node` is such a chain of attributes read from it, else None."""
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    return ".".join([SENT, *reversed(names)]) if names and isinstance(node, ast.Name) and node.id == SENT else None


def compile_spec(body, allowed_names):
    """The spec body's code, refusing what would open the sandbox (SandboxError with the body's line)."""
    try:
        tree = ast.parse(body, "<spec>")
    except SyntaxError as error:
        raise SandboxError(error.lineno, f"SyntaxError: {error.msg}") from None
    _Checker(allowed_names).visit(tree)
    tree = _SentReads().visit(_Membership().visit(_IntegerDivision().visit(tree)))
    return compile(ast.fix_missing_locations(tree), "<spec>", "exec")


_SAFE_BUILTINS = ("abs", "bool", "dict", "divmod", "enumerate", "frozenset", "hex", "bin", "oct", "int", "isinstance",
                  "len", "list", "ord", "chr", "pow", "range", "repr", "reversed", "round", "set", "slice", "sorted",
                  "str", "tuple", "zip", "True", "False", "None", "Ellipsis")


def _sum(values, start=0):
    total = start
    for value in values:
        total = total + value
    return total


def _any(values):
    for value in values:
        if value:
            return True
    return False


def _all(values):
    for value in values:
        if not value:
            return False
    return True


def _extreme(better):
    def pick(*values, key=None):
        items = values[0] if len(values) == 1 else values
        best = marker = object()
        for item in items:
            if best is marker or better(key(item) if key else item, key(best) if key else best):
                best = item
        if best is marker:
            raise ValueError("an empty sequence has no extreme")
        return best
    return pick


def spec_builtins(state_module):
    """The builtins a spec's code runs with; `from state import x` reads `state_module`."""
    def spec_import(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "state" and level == 0:
            return state_module
        raise ImportError(f"a spec imports only from state (and properties, which are included as text), not {name!r}")

    table = {name: getattr(builtins, name) for name in _SAFE_BUILTINS}
    table.update(__import__=spec_import, sum=_sum, any=_any, all=_all,
                 min=_extreme(lambda a, b: a < b), max=_extreme(lambda a, b: a > b))
    return table


def left_out_builtin(name):
    """Whether `name` is one of Python's built-ins that a spec's code runs without."""
    return (hasattr(builtins, name) or name in _REMOVED_BUILTINS) and name not in _SAFE_BUILTINS and not name.startswith("_")


def fresh_module(name, code, **names):
    """A new module from `code`: nothing is shared with any earlier module made from it."""
    module = types.ModuleType(name)
    module.__dict__.update(names)
    exec(code, module.__dict__)
    return module
