# The spec prelude: symbolic values for Vigor-style specs, run in Pyodide.
#
# A symbolic value is an index into a flat table of nodes that this module appends to; the engine reads the new
# nodes at every call into it (one JSON string), so no Python object ever crosses to JavaScript. Every truth test
# asks the engine, synchronously, which way this path goes (the engine forks by re-running the spec).
# python.ts makes a fresh module from this file for every property (so no property can change another's names or
# objects) and gives it `_LIMITS`, the verdicts of the sandbox's time and memory limits as python.ts words them; a
# spec's own code runs in the sandbox (sandbox.py): its syntax tree checked, its builtins restricted.
import difflib as _difflib
import json
import sys
import types

import sandbox as _sandbox
import vigor_bridge as _bridge

_NODES = []
_SENT = [0]


def _flush():
    start = _SENT[0]
    _SENT[0] = len(_NODES)
    return json.dumps(_NODES[start:])


def _node(op, width, *args, lo=0, hi=None):
    _NODES.append([op, width, *args])
    return Sym(len(_NODES) - 1, width, lo, hi)


class SpecError(Exception):
    """A spec that cannot mean anything (wrong types, unknown names at run time)."""


class _Return(Exception):
    """A path that ends before the spec's own `return` (pop_header's on_mismatch), at `line` of the spec text."""

    def __init__(self, value, line):
        self.value = value
        self.line = line


class Sym:
    """A symbolic integer, or a truth value (width 0).

    Integers are exact, as in Python: `lo` and `hi` bound the value, which is held in `width` bits, unsigned when
    `lo >= 0` and in two's complement otherwise. Every operation computes the exact bounds of its result and works
    in a width that holds it and its operands, so nothing wraps; a value the engine made keeps the engine's width,
    so the spec and the NF build the same terms where they compute the same thing."""

    __slots__ = ("index", "width", "lo", "hi")

    def __init__(self, index, width, lo=0, hi=None):
        self.index = index
        self.width = width
        self.lo = lo
        self.hi = ((1 << width) - 1 if width else 1) if hi is None else hi

    def __bool__(self):
        condition = self if self.width == 0 else self != 0
        caller = sys._getframe(1)
        line = caller.f_lineno if caller.f_code.co_filename == "<spec>" else 0
        taken = _bridge.decide(_flush(), condition.index, line)
        _learn_order(condition.index, taken)
        return taken

    def __index__(self):
        raise SpecError("a symbolic value cannot be used as a Python integer (as a list index, in range(), ...)")

    __hash__ = object.__hash__

    def __getattr__(self, name):
        # Only names a Sym lacks reach here: most often a field read on an index or a field value.
        if name.startswith("__") or name in Sym.__slots__:
            raise AttributeError(name)
        raise AttributeError(f"{self!r} is a number, not a record or a header: it has no field {name!r} "
                             "(an emap's get gives an index: its values vector's get(index) gives the record)")

    def __repr__(self):
        return f"<symbolic {'bool' if self.width == 0 else f'integer in {self.lo}..{self.hi}'}>"

    # arithmetic: exact, with Python's meaning (`//` and `%` round towards minus infinity; the sandbox makes `/`
    # the same as `//`)
    def __add__(self, other): return _arithmetic("add", self, other)
    def __radd__(self, other): return _arithmetic("add", other, self)
    def __sub__(self, other): return _arithmetic("sub", self, other)
    def __rsub__(self, other): return _arithmetic("sub", other, self)
    def __mul__(self, other): return _arithmetic("mul", self, other)
    def __rmul__(self, other): return _arithmetic("mul", other, self)
    def __floordiv__(self, other): return _divide("div", self, other)
    def __rfloordiv__(self, other): return _divide("div", other, self)
    def __mod__(self, other): return _divide("mod", self, other)
    def __rmod__(self, other): return _divide("mod", other, self)
    def __lshift__(self, other): return _shift("shl", self, other)
    def __rlshift__(self, other): return _shift("shl", other, self)
    def __rshift__(self, other): return _shift("shr", self, other)
    def __rrshift__(self, other): return _shift("shr", other, self)
    def __and__(self, other): return _logic("and", "band", self, other)
    def __rand__(self, other): return _logic("and", "band", other, self)
    def __or__(self, other): return _logic("or", "bor", self, other)
    def __ror__(self, other): return _logic("or", "bor", other, self)
    def __xor__(self, other): return _bitwise("xor", self, other)
    def __rxor__(self, other): return _bitwise("xor", other, self)
    def __invert__(self): return _node("not", 0, self.index) if self.width == 0 else _arithmetic("sub", -1, self)
    def __neg__(self): return _arithmetic("sub", 0, self)
    def __pos__(self): return self

    # comparisons: exact, whatever the widths and signs
    def __eq__(self, other): return _compare("eq", self, other)
    def __ne__(self, other): return _node("not", 0, _compare("eq", self, other).index)
    def __lt__(self, other): return _compare("lt", self, other)
    def __le__(self, other): return _compare("le", self, other)
    def __gt__(self, other): return _compare("lt", other, self)
    def __ge__(self, other): return _compare("le", other, self)


class _Unmet(Exception):
    """A path on which the spec asks for what its values cannot give (a value that does not fit where it is
    stored, a division by zero): the path fails, with this message."""


def _const(value, width):
    if width == 0:
        return _node("c", 0, "1" if value else "0")
    return _node("c", width, str(value % (1 << width)), lo=value, hi=value)


# The widest value a spec computes with: beyond it an operation is refused (a shift by a symbolic amount is the
# usual way there), so that no query is asked about bit-vectors of millions of bits.
_MAX_BITS = 1024


def _bits(lo, hi):
    """The fewest bits that hold every integer in [lo, hi]: unsigned when lo >= 0, else two's complement."""
    if lo >= 0:
        return max(hi.bit_length(), 1)
    return max((~lo).bit_length(), (hi if hi >= 0 else ~hi).bit_length()) + 1


def _bounds(value):
    """[lo, hi] of a symbolic integer, a Python integer, or a pair."""
    if isinstance(value, Sym):
        return value.lo, value.hi
    if isinstance(value, tuple):
        return value
    return value, value


def _number(value):
    """An operand of arithmetic: a symbolic integer or a Python integer (truth values count as 0 and 1)."""
    if isinstance(value, Sym):
        if value.width == 0:
            return _node("ite", 1, value.index, _const(1, 1).index, _const(0, 1).index, lo=0, hi=1)
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, _NotReceived):
        value._refuse()
    raise SpecError(f"cannot combine a symbolic value with {type(value).__name__} {value!r}")


def _width(values, signed):
    """A width that holds each of `values` (numbers or [lo, hi] pairs), with a sign bit when `signed`, and no less
    than any symbolic one's own width."""
    width = 1
    for value in values:
        lo, hi = _bounds(value)
        width = max(width, _bits(min(lo, -1), hi) if signed else _bits(lo, hi), value.width if isinstance(value, Sym) else 0)
    if width > _MAX_BITS:
        _too_wide(width)
    return width


def _too_wide(bits):
    raise SpecError(f"the spec computes with integers of up to {bits} bits, beyond the {_MAX_BITS} the verifier handles (a shift by a symbolic amount? bound the amount, e.g. n & 63)")


def _at(value, width):
    """`value` (which fits) in `width` bits: extended by its sign, or its low bits."""
    if not isinstance(value, Sym):
        return _const(value, width)
    if value.width == width:
        return value
    if value.width > width:
        return _node("extract", width, value.index, 0, lo=value.lo, hi=value.hi)
    return _node("zext" if value.lo >= 0 else "sext", width, value.index, lo=value.lo, hi=value.hi)


def _operation(op, a, b, lo, hi, signed=None):
    """`op` on bit-vectors wide enough for a, b and the result [lo, hi], which is exact: `signed` (whether the
    operands need a sign bit) defaults to whether any of them or the result can be negative."""
    if signed is None:
        signed = min(lo, _bounds(a)[0], _bounds(b)[0]) < 0
    width = _width((a, b, (lo, hi)), signed)
    return _node(op, width, _at(a, width).index, _at(b, width).index, lo=lo, hi=hi)


def _corners(function, a, b):
    values = [function(x, y) for x in a for y in b]
    return min(values), max(values)


def _arithmetic(op, a, b):
    """+ - * : the result's bounds are exact, so the modular operation at their width cannot wrap."""
    a, b = _number(a), _number(b)
    (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
    if op == "add":
        lo, hi = alo + blo, ahi + bhi
    elif op == "sub":
        lo, hi = alo - bhi, ahi - blo
    else:
        lo, hi = _corners(lambda x, y: x * y, (alo, ahi), (blo, bhi))
        if isinstance(a, Sym) != isinstance(b, Sym):
            product = _operation(op, a, b, lo, hi)
            _SCALED[product.index] = (a, b) if isinstance(a, Sym) else (b, a)
            return product
    if op == "sub" and isinstance(a, Sym) and isinstance(b, Sym):
        lo = max(lo, _LEAST_DIFFERENCE.get((a.index, b.index), lo))
        hi = min(hi, -_LEAST_DIFFERENCE.get((b.index, a.index), -hi))
    return _operation(op, a, b, lo, hi)


# What this path has decided about the order of two symbolic integers: a difference of them is bounded by it
# (after `if t < now:`, `now - t` is at least 1, so unsigned, in the operands' own width: the NF's term when the
# NF subtracts them too). Keys are node indices, which the spec's own variables keep; both tables start empty
# with every path.
_ORDERS = {}            # a comparison's node: (a, b, strict) for a < b (strict) or a <= b
_LEAST_DIFFERENCE = {}  # (a, b): the least a - b can be on this path


def _learn_order(condition, taken):
    if condition not in _ORDERS:
        return
    a, b, strict = _ORDERS[condition]
    # a < b taken: b - a >= 1; not taken: a - b >= 0. a <= b taken: b - a >= 0; not taken: a - b >= 1.
    high, low, least = (b, a, int(strict)) if taken else (a, b, int(not strict))
    _LEAST_DIFFERENCE[high, low] = max(least, _LEAST_DIFFERENCE.get((high, low), least))


def _nonzero_divisor(b):
    """The divisor's values other than 0 that bound a quotient: its ends, and -1 and 1 when it spans them."""
    blo, bhi = _bounds(b)
    if isinstance(b, int) and b == 0:
        raise ZeroDivisionError("integer division or modulo by zero")
    if blo <= 0 <= bhi:
        _require(b != 0, "division by zero: the divisor can be 0 on this path")
    return [d for d in (blo, bhi, -1, 1) if blo <= d <= bhi and d != 0]


# Products of a symbolic integer and a constant: node -> (the symbolic factor, the constant).
_SCALED = {}


def _gcd(a, b):
    """Euclid's (the prelude imports no module beyond what python.ts keeps after the lock-down)."""
    a, b = abs(a), abs(b)
    while b:
        a, b = b, a % b
    return a


def _scaled_quotient(x, c, d):
    """x * c // d for constants c and d > 0, exact, in terms the solver decides quickly (PITFALLS.md, "Refill
    queries"): two encodings of one value, each chosen where it is exact."""
    # x * c // d is x * (c/g) // (d/g) for g = gcd(c, d): the same fraction, so the same floor. A rate per second
    # scaled to nanoseconds shrinks to small factors (x * 1250000000 // 10**9 is x * 5 // 4).
    g = _gcd(c, d)
    wide = _arithmetic("mul", x, c // g)
    if d > g:
        wide = _divide("div", wide, d // g, plain=True)
    # Where x * c fits x's own width, the product and quotient in that width are exact too: the terms an NF builds
    # when it multiplies and divides in its own width. An "alias" node gives both and where they agree; the engine
    # (spec-path.ts) takes the NF's where the path implies that, else the reduced one and their equality there.
    n = x.width
    limit = ((1 << n) - 1) // c if c > 0 else -1
    if x.lo < 0 or d >> n or x.lo > limit:
        return wide
    product = _node("mul", n, x.index, _const(c, n).index)
    narrow = _node("udiv", n, product.index, _const(d, n).index)
    fits = _node("ule", 0, x.index, _const(limit, n).index)
    return _node("alias", wide.width, wide.index, _at(narrow, wide.width).index, fits.index, lo=wide.lo, hi=wide.hi)


def _divide(op, a, b, plain=False):
    """// and %, rounding towards minus infinity as Python does (a divisor of 0 fails the path); unless `plain`,
    a product by a constant divided by one is encoded as _scaled_quotient says."""
    a, b = _number(a), _number(b)
    if op == "div" and not plain and isinstance(a, Sym) and a.index in _SCALED and isinstance(b, int) and b > 0:
        return _scaled_quotient(*_SCALED[a.index], b)
    (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
    divisors = _nonzero_divisor(b)
    if op == "div":
        lo, hi = _corners(lambda x, y: x // y, (alo, ahi), divisors)
    elif blo >= 0:
        lo, hi = 0, (min(ahi, bhi - 1) if alo >= 0 else bhi - 1)
    elif bhi <= 0:
        lo, hi = blo + 1, 0
    else:
        lo, hi = blo + 1, bhi - 1
    if alo >= 0 and blo >= 0:
        return _operation("udiv" if op == "div" else "urem", a, b, lo, hi)
    # Signed: truncating division and remainder, corrected by one step where the signs differ.
    width = _width((a, b, (lo, hi)), True)
    a, b = _at(a, width), _at(b, width)
    remainder = _node("srem", width, a.index, b.index)
    zero = _const(0, width)

    def negative(x):
        return _node("slt", 0, x.index, zero.index)

    # A nonzero remainder whose sign is not the divisor's: Python's floor is one below the truncated quotient.
    corrects = _node("band", 0, _node("not", 0, _node("eq", 0, remainder.index, zero.index).index).index,
                     _node("not", 0, _node("eq", 0, negative(remainder).index, negative(b).index).index).index)
    if op == "div":
        quotient = _node("sdiv", width, a.index, b.index)
        adjusted = _node("sub", width, quotient.index, _const(1, width).index)
        return _node("ite", width, corrects.index, adjusted.index, quotient.index, lo=lo, hi=hi)
    adjusted = _node("add", width, remainder.index, b.index)
    return _node("ite", width, corrects.index, adjusted.index, remainder.index, lo=lo, hi=hi)


def _shift(op, a, b):
    """<< and >>: a << n is a * 2**n and a >> n is a // 2**n; a negative amount fails the path (Python raises)."""
    a, b = _number(a), _number(b)
    (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
    if isinstance(b, int) and b < 0:
        raise ValueError("negative shift count")
    if blo < 0:
        _require(b >= 0, "negative shift count: the shift amount can be below 0 on this path")
    amounts = (max(blo, 0), max(bhi, 0))
    if op == "shl":
        if _bits(alo, ahi) + amounts[1] > _MAX_BITS:
            _too_wide(_bits(alo, ahi) + amounts[1])
        lo, hi = _corners(lambda x, n: x << n, (alo, ahi), amounts)
        return _operation("shl", a, b, lo, hi)
    lo, hi = _corners(lambda x, n: x >> n, (alo, ahi), amounts)
    # An amount at least the width shifts every bit out, as in Python; a constant one is cut to that.
    width = _width((a, (lo, hi)), alo < 0)
    b = min(b, width) if isinstance(b, int) else b
    return _operation("lshr" if alo >= 0 else "ashr", a, b, lo, hi, signed=alo < 0)


def _bitwise(op, a, b):
    """& | ^ on integers: on two's complement of unbounded width, as Python; both are extended to one width."""
    a, b = _number(a), _number(b)
    (alo, ahi), (blo, bhi) = _bounds(a), _bounds(b)
    if alo >= 0 and blo >= 0:
        top = (1 << max(ahi.bit_length(), bhi.bit_length())) - 1
        lo, hi = (0, min(ahi, bhi)) if op == "and" else (max(alo, blo) if op == "or" else 0, top)
        return _operation(op, a, b, lo, hi)
    width = _width((a, b), True)
    lo, hi = -(1 << (width - 1)), (1 << (width - 1)) - 1
    if op == "and" and (alo >= 0 or blo >= 0):
        lo, hi = 0, ahi if alo >= 0 else bhi
    return _operation(op, a, b, lo, hi, signed=True)


def _logic(bit_op, bool_op, a, b):
    if all(isinstance(x, bool) or (isinstance(x, Sym) and x.width == 0) for x in (a, b)):
        a, b = (x if isinstance(x, Sym) else _const(x, 0) for x in (a, b))
        return _node(bool_op, 0, a.index, b.index)
    return _bitwise(bit_op, a, b)


_DECIDED = {
    # op: (always true, always false) from the bounds of a and b
    "eq": (lambda al, ah, bl, bh: al == ah == bl == bh, lambda al, ah, bl, bh: ah < bl or bh < al),
    "lt": (lambda al, ah, bl, bh: ah < bl, lambda al, ah, bl, bh: al >= bh),
    "le": (lambda al, ah, bl, bh: ah <= bl, lambda al, ah, bl, bh: al > bh),
}


def _compare(op, a, b):
    truths = [isinstance(x, Sym) and x.width == 0 for x in (a, b)]
    if any(truths) and not any(isinstance(x, Sym) and x.width > 0 for x in (a, b)):
        if op != "eq":
            raise SpecError("truth values cannot be ordered (<, <=, >, >=): compare numbers, or use == / !=")
        if all(truth or isinstance(x, bool) for truth, x in zip(truths, (a, b))):
            a, b = (x if isinstance(x, Sym) else _const(x, 0) for x in (a, b))
            return _node(op, 0, a.index, b.index)
    a, b = _number(a), _number(b)
    bounds = (*_bounds(a), *_bounds(b))
    always, never = _DECIDED[op]
    if always(*bounds) or never(*bounds):
        return _const(always(*bounds), 0)
    signed = bounds[0] < 0 or bounds[2] < 0
    width = _width((a, b), signed)
    name = op if op == "eq" else ("s" if signed else "u") + op
    condition = _node(name, 0, _at(a, width).index, _at(b, width).index)
    if op != "eq" and isinstance(a, Sym) and isinstance(b, Sym):
        _ORDERS[condition.index] = (a.index, b.index, op == "lt")
    return condition


def _range(bits, signed):
    """The integers `bits` bits hold: two's complement when `signed`."""
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def _fitting(value, bits, signed=False):
    """(whether `value` fits in `bits` bits, `value` in `bits` bits where it does): True when it always fits, False
    when it never does, else a symbolic condition."""
    value = _number(value)
    low, high = _range(bits, signed)
    lo, hi = _bounds(value)
    if low <= lo and hi <= high:
        return True, _at(value, bits)
    if hi < low or high < lo:
        return False, _const(0, bits)
    # The same bits, bounded as where it fits.
    narrowed = _at(value, bits)
    return (value >= low) & (value <= high), Sym(narrowed.index, bits, max(lo, low), min(hi, high))


def _choose(condition, a, b, lo, hi):
    """`a` where `condition` holds, else `b` (numbers whose choice lies in [lo, hi])."""
    width = _width((a, b), min(_bounds(a)[0], _bounds(b)[0]) < 0)
    return _node("ite", width, condition.index, _at(a, width).index, _at(b, width).index, lo=lo, hi=hi)


def _stored(value, bits, place, signed=False):
    """`value` as `bits` bits, for a place that holds no more (a record field, a header field, a state operation's
    argument): a path on which it does not fit fails, naming the place."""
    fits, narrowed = _fitting(value, bits, signed)
    if fits is not True:
        shown = f"{value}" if isinstance(value, int) else "a value"
        _require(fits, f"{place}: the spec stores {shown}, which does not fit in {bits} bits ({'..'.join(map(str, _range(bits, signed)))})")
    return narrowed


def _require(condition, message):
    """The path goes on only where `condition` holds; the engine decides it, and the other side fails."""
    if isinstance(condition, Sym):
        condition = _bridge.decide(_flush(), condition.index, _calling_line() or _RUN.get("ended_at") or 0)
    if not condition:
        raise _Unmet(message)


class _NotReceived:
    """A name of the received packet (`received_on_port`, ...) on an iteration of the stack that received none:
    using it is a spec error, at the statement that does."""

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def _refuse(self, *_):
        raise SpecError(f"{self._name} is the received packet's, and this iteration of the stack received none "
                        f"(a_packet_received is false): use it under `if a_packet_received:`")

    def __repr__(self):
        return f"<{self._name}: no packet received>"


# Every way of using a number, refused (Python looks special methods up on the class).
for _method in ("bool", "index", "int", "hash", "eq", "ne", "lt", "le", "gt", "ge", "neg", "pos", "invert", "add", "radd",
                "sub", "rsub", "mul", "rmul", "floordiv", "rfloordiv", "truediv", "rtruediv", "mod", "rmod", "lshift",
                "rlshift", "rshift", "rrshift", "and", "rand", "or", "ror", "xor", "rxor"):
    setattr(_NotReceived, f"__{_method}__", _NotReceived._refuse)


def _received_input(inputs, name):
    """A packet's input (an engine value), or, on an iteration without a packet (null), one that refuses every use."""
    return _NotReceived(name) if inputs[name] is None else _ref(inputs[name])


def _ref(entry):
    """A value the engine made (an input, a header field, a state query): [handle, width], and its bounds (decimal
    strings) when the engine knows them tighter than the width's."""
    handle, width, *bounds = entry
    lo, hi = (int(bounds[0]), int(bounds[1])) if bounds else (0, None)
    return _node("r", width, handle, lo=lo, hi=hi)


def _extract(value, low_bit, bits):
    return _node("extract", bits, value.index, low_bit)


def _concat_bytes(parts):
    """Little-endian concatenation: parts[0] holds the lowest bits."""
    result = parts[0]
    for part in parts[1:]:
        result = _node("concat", result.width + part.width, part.index, result.index)
    return result


# ------------------------------------------------------------------ headers

# name -> fields in constructor order, each (field, byte offset in the header, bytes): nf-abi's header table
HEADER_FIELDS = {protocol: [tuple(field[:3]) for field in fields] for protocol, fields in json.loads(_bridge.header_fields()).items()}

# The TCP flags by name and bit (nf-abi's): `SYN|ACK` writes a value of `flags`, `t.syn` reads one flag of it.
_TCP_FLAGS = {name: bit for name, bit in json.loads(_bridge.tcp_flags())}
_HEADER_FLAGS = {"tcp": {name.lower(): bit for name, bit in _TCP_FLAGS.items()}}

# Where headers sit, outermost first; tcpudp and tcp are two views of the header after IPv4 (a spec pops either).
_PLACES = ("ether", "ipv4", "tcpudp")
_PLACE_OF = {"tcp": "tcpudp"}


class Header:
    """A header: its protocol and one value per field (`...` for any value)."""

    def __init__(self, protocol, fields):
        object.__setattr__(self, "_protocol", protocol)
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name):
        fields = object.__getattribute__(self, "_fields")
        if name in fields:
            return fields[name]
        flags = _HEADER_FLAGS.get(self._protocol, {})
        if name not in flags:
            known = f"fields: {', '.join(fields)}" + (f"; flags: {', '.join(flags)}" if flags else "")
            raise SpecError(f"{self._protocol} headers have no field {name!r} ({known})")
        value = fields["flags"]
        if value is Ellipsis:
            raise SpecError(f"{self._protocol}(..., flags=...) allows any flags, so .{name} has no value")
        return (value & flags[name]) != 0

    def __repr__(self):
        return f"<{self._protocol} header>"


def _header_constructor(protocol):
    names = [f for f, _, _ in HEADER_FIELDS[protocol]]

    def construct(*args, **changes):
        if len(args) == 1 and isinstance(args[0], Header):
            base = dict(args[0]._fields)
        elif len(args) == len(names):
            base = dict(zip(names, args))
        elif len(args) == 0 and set(changes) == set(names):
            base = {}
        else:
            raise SpecError(f"{protocol}(...) takes a {protocol} header to copy, or its {len(names)} fields ({', '.join(names)})")
        for name, value in changes.items():
            if name not in names:
                raise SpecError(f"{protocol} headers have no field {name!r}")
            base[name] = value
        return Header(protocol, base)

    construct.__name__ = protocol
    return construct


ether = _header_constructor("ether")
ipv4 = _header_constructor("ipv4")
tcpudp = _header_constructor("tcpudp")
tcp = _header_constructor("tcp")
# Other names of a header (nf-abi's): Vigor 1.0's files pop and build the Ethernet header as rte_ether.
_ALIASES = {alias: globals()[protocol] for alias, protocol in json.loads(_bridge.protocol_aliases()).items()}


def pop_header(protocol, on_mismatch=None):
    """The next header of the frame, innermost first: the path's first pop names the innermost one (then ipv4,
    then ether); if there is none left, it is another protocol, or the frame does not carry it, the spec returns
    `on_mismatch`. What the frame carries decides, never how far the NF read into it: else an NF that drops a
    frame unread would agree with every spec whose `on_mismatch` drops."""
    name = getattr(protocol, "__name__", None)
    place = _PLACE_OF.get(name, name)
    if place not in _PLACES:
        raise SpecError(f"pop_header takes a protocol ({', '.join(HEADER_FIELDS)}), not {protocol!r}")
    if "stack" not in _RUN:
        _RUN["stack"] = list(reversed(_PLACES[:_PLACES.index(place) + 1])) if _RUN["headers"] else []
    stack = _RUN["stack"]
    if not stack or stack[0] != place:
        raise _Return(on_mismatch, _calling_line())
    stack.pop(0)
    view = next(entry for entry in _RUN["headers"] if entry["protocol"] == name)
    present = _ref(view["present"])
    if not present:
        raise _Return(on_mismatch, _calling_line())
    return Header(name, {field: _ref(value) for field, value in view["fields"].items()})


# ------------------------------------------------------------------ records and state

class Record:
    def __init__(self, type_name, fields):
        object.__setattr__(self, "_type", type_name)
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name):
        fields = object.__getattribute__(self, "_fields")
        if name not in fields:
            raise SpecError(f"{self._type} has no field {name!r} (fields: {', '.join(fields)})")
        return fields[name]

    def _bits(self):
        return _concat_bytes([self._fields[field] for field, _, _, _ in _RUN["records"][self._type]])


def _record_from_bits(type_name, value):
    layout = _RUN["records"][type_name]
    return Record(type_name, {field: _field(value, offset * 8, bits, signed) for field, offset, bits, signed in layout})


def _field(record, low_bit, bits, signed):
    """A field of a record's bits: an i32 field (`signed`) reads as two's complement."""
    value = _extract(record, low_bit, bits)
    return Sym(value.index, bits, *_range(bits, True)) if signed else value


def _record_constructor(type_name, field_names):
    def construct(*values):
        if len(values) != len(field_names):
            raise SpecError(f"{type_name}c takes {len(field_names)} values ({', '.join(field_names)}), got {len(values)}")
        layout = _RUN["records"][type_name]
        return Record(type_name, {field: _stored(value, bits, f"{type_name}.{field}", signed) for (field, _, bits, signed), value in zip(layout, values)})

    construct.__name__ = type_name + "c"
    return construct


def _port(device):
    """A device the spec returns, as the 32 bits of the NF's result: a number outside them names no device, as
    2^32 - 1 names none."""
    fits, value = _fitting(device, 32)
    if fits is True:
        return value
    none = (1 << 32) - 1
    return _const(none, 32) if fits is False else _choose(fits, value, none, 0, none)


class _StateObject:
    def __init__(self, name, kind, key_bits, record, value_record, when=""):
        self._name, self._kind, self._key_bits, self._record = name, kind, key_bits, record
        self._value_record = value_record
        # "" is the spec's own copy (statement dialect); "@nf" the state the NF left (function dialect).
        self._when = when

    def _call(self, op, *args):
        answer = _bridge.state(_flush(), self._name + self._when, op, json.dumps(list(args)))
        return None if answer == "null" else _ref(json.loads(answer))

    def _argument(self, value, bits, operation, what, signed=False):
        """An argument of `bits` bits (a path where it does not fit fails); a key or a value may be a record."""
        if isinstance(value, Record) and what in ("key", "value"):
            return value._bits().index
        return _stored(value, bits, f"{self._name}.{operation}'s {what}", signed).index

    def _holds(self, operation, value, bits):
        """`operation` (has, has_idx) of a value, exact: false where it does not fit, as nothing there can be."""
        if isinstance(value, Record):
            return self._call(operation, value._bits().index)
        fits, value = _fitting(value, bits)
        if fits is False:
            return _const(False, 0)
        answer = self._call(operation, value.index)
        return answer if fits is True else fits & answer

    def __repr__(self):
        return f"<{self._kind} {self._name}>"


# libVig's times are signed 64-bit numbers (stamps are never below 0).
_TIME_BITS = 64
_EARLIEST = _range(_TIME_BITS, True)[0]


class _Emap(_StateObject):
    def has(self, key): return self._holds("has", key, self._key_bits)
    def get(self, key):
        value = self._call("get", self._argument(key, self._key_bits, "get", "key"))
        return _record_from_bits(self._value_record, value) if self._value_record else value

    def get_key(self, index):
        # As `get` gives values: a key of several fields is a record (Vigor's NAT spec reads `flow.dip`).
        key = self._call("get_key", self._argument(index, 32, "get_key", "index"))
        return _record_from_bits(self._record, key) if self._record and len(_RUN["records"][self._record]) > 1 else key

    def has_idx(self, index): return self._holds("has_idx", index, 32)
    def full(self): return self._call("full")

    def exists_with_cht(self, cht, hash):
        """Whether the cht prefers some live backend (an allocated index of this emap) for the 32-bit hash."""
        return self._with_cht("exists_with_cht", cht, hash)

    def choose_with_cht(self, cht, hash):
        """The first live backend (an index of this emap) the cht prefers for the hash, or -1 when none is live."""
        return self._with_cht("choose_with_cht", cht, hash)

    def _with_cht(self, operation, cht, hash):
        if not isinstance(cht, _Cht):
            raise SpecError(f"{self._name}.{operation}(cht, hash) takes a cht state object first, not {cht!r}")
        return self._call(f"{operation}:{cht._name}", self._argument(hash, 32, operation, "hash"))

    def add(self, key, index, time):
        self._call("add", self._argument(key, self._key_bits, "add", "key"), self._argument(index, 32, "add", "index"),
                   self._argument(time, _TIME_BITS, "add", "time", signed=True))

    def refresh_idx(self, index, time):
        self._call("refresh", self._argument(index, 32, "refresh_idx", "index"), self._argument(time, _TIME_BITS, "refresh_idx", "time", signed=True))

    def erase(self, key): self._call("erase", self._argument(key, self._key_bits, "erase", "key"))

    def expire_all(self, time):
        # A time before the earliest libVig holds removes nothing, as the earliest does: `now - EXP_TIME` early on.
        time = _number(time)
        low, high = _bounds(time)
        if low < _EARLIEST:
            time = _choose(time >= _EARLIEST, time, _EARLIEST, _EARLIEST, max(high, _EARLIEST)) if high >= _EARLIEST else _EARLIEST
        self._call("expire", self._argument(time, _TIME_BITS, "expire_all", "time", signed=True))


class _Vector(_StateObject):
    def get(self, index):
        value = self._call("get", self._argument(index, 32, "get", "index"))
        return _record_from_bits(self._record, value) if self._record else value

    def set(self, index, value):
        self._call("set", self._argument(index, 32, "set", "index"), self._argument(value, self._key_bits, "set", "value"))


class _Cht(_StateObject):
    """A Maglev lookup table: no operation of its own, an emap's exists_with_cht/choose_with_cht read it."""


def _shared_hash(record_name):
    """`_<record>_hash(r)`: the NF's exported hash of a record (its fields in nf.json order), which the engine runs
    on the spec's fields: one definition for NF and spec."""
    def hash_of(value):
        if not (isinstance(value, Record) and value._type == record_name):
            raise SpecError(f"_{record_name}_hash takes a {record_name} record ({record_name}c(...)), not {value!r}")
        fields = [value._fields[field].index for field, _, _, _ in _RUN["records"][record_name]]
        return _ref(json.loads(_bridge.hash(_flush(), record_name, json.dumps(fields))))

    hash_of.__name__ = f"_{record_name}_hash"
    return hash_of


class _Lpm(_StateObject):
    def lookup(self, address):
        """The value (a device) of the longest rule whose prefix the IPv4 address (a field value such as
        ipv4.daddr) lies in, or -1 when none does."""
        address = _address_argument(f"{self._name}.lookup", address, 32, "an IPv4 address")
        return self._call("lookup", self._argument(address, 32, "lookup", "address"))


class _RecordType:
    """A record type of the manifest, as the function dialect names it: ExpiringSet(FlowId, ...)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"<record type {self.name}>"


class _StateView:
    """An emap of the NF seen by the function dialect: as the NF left it, or (.old) as it was before the packet."""

    def __init__(self, emap, old=False):
        self._emap = emap
        self._old = old

    @property
    def old(self):
        if self._old:
            raise SpecError(".old is the state before the packet; it has no .old of its own")
        return _StateView(_Emap(self._emap._name, "emap", self._emap._key_bits, self._emap._record, self._emap._value_record), old=True)

    def __contains__(self, key):
        return self._emap.has(key)

    def __getitem__(self, key):
        return self._emap.get(key)

    def __repr__(self):
        return f"<{self._emap._name}{'.old' if self._old else ''}>"


def _view_of(what, key_type):
    if not isinstance(key_type, _RecordType):
        raise SpecError(f"{what}(key_type, ...) takes a record type of the manifest ({', '.join(_RUN['records'])}), not {key_type!r}")
    matches = [(name, entry) for name, entry in _RUN["state"].items() if entry[0] == "emap" and entry[2] == key_type.name]
    if len(matches) != 1:
        found = "no emap" if not matches else f"several emaps ({', '.join(n for n, _ in matches)})"
        raise SpecError(f"{what}({key_type.name}, ...) binds to the NF's emap keyed by {key_type.name}, but the manifest has {found}")
    name, (kind, key_bits, record, value_record) = matches[0]
    return _StateView(_Emap(name, kind, key_bits, record, value_record, when="@nf"))


def Map(key_type, value_type=None, *capacity):
    """The NF's emap keyed by `key_type`: `key in m`, `m[key]` (its value, or its index), `m.old`."""
    return _view_of("Map", key_type)


def ExpiringSet(key_type, *expiry_and_capacity):
    """The NF's emap keyed by `key_type`, as a set of keys: `key in s`, `s.old`."""
    return _view_of("ExpiringSet", key_type)


def Cell(*args):
    raise SpecError("Cell(...): this NF's libVig objects hold no single values; use Map or ExpiringSet")


def vector_get(vector, index): return vector.get(index)
def vector_set(vector, index, value): vector.set(index, value)


def mem(value, values):
    """Whether `value` equals one of `values` (a symbolic `in`)."""
    if isinstance(value, Sym) and value.width > 0:
        lo, hi = value.lo, value.hi
        constants = sorted({c for c in values if type(c) is int and lo <= c <= hi})
        others = [c for c in values if type(c) is not int]
        tests = ([_among(value, constants, 0, len(constants))] if constants else []) + [value == c for c in others]
    else:
        tests = [value == candidate for candidate in values]
    if any(test is True for test in tests):
        return True
    tests = [test for test in tests if test is not False]
    if not tests:
        return False
    # A balanced tree of `|`, not a chain: the engine walks terms recursively, and a chain of thousands would nest
    # too deep for it.
    while len(tests) > 1:
        tests = [tests[i] | tests[i + 1] if i + 1 < len(tests) else tests[i] for i in range(0, len(tests), 2)]
    return tests[0]


def _membership(value, container, negated):
    """`value in container` (`not in` when `negated`) as the spec wrote it: over a list, tuple or set with a symbolic
    value or element, one condition (mem) instead of one decision per element; over a range of step 1, its bounds;
    anything else as Python does it (a state view's own `in`, a string's)."""
    if isinstance(container, range) and isinstance(value, Sym) and value.width > 0 and container.step == 1:
        found = (value >= container.start) & (value < container.stop) if container else False
    elif isinstance(container, (list, tuple, set, frozenset)) and (isinstance(value, Sym) or any(isinstance(c, Sym) for c in container)):
        found = mem(value, container)
    else:
        return value not in container if negated else value in container
    if isinstance(found, bool):
        return found != negated
    return ~found if negated else found


def _among(value, constants, start, end):
    """Whether `value` is one of constants[start:end] (sorted, distinct): a search tree on `<`, whose runs of
    consecutive integers are ranges. A disjunction of equalities costs the solver one conflict per candidate to
    refute (400 addresses took seconds a query); the tree refutes a subtree at once."""
    first, last = constants[start], constants[end - 1]
    if last - first == end - start - 1:
        return value == first if start + 1 == end else (value >= first) & (value <= last)
    if end - start == 2:
        return (value == first) | (value == last)
    middle = (start + end) // 2
    below = value < constants[middle]
    return (below & _among(value, constants, start, middle)) | (~below & _among(value, constants, middle, end))


# ------------------------------------------------------------------ literals and address classes
# Operators write addresses as they know them (docs/spec-language.md, "Literals and address classes"); a header
# field holds the little-endian load of its wire bytes, and `_wire` is the one place that turns one into the other.
# The front-end checks constant arguments before anything runs (frontend/literals.ts, same messages); these
# checks catch computed ones.

_HEX_DIGITS = "0123456789abcdefABCDEF"
_DECIMAL_DIGITS = "0123456789"


def _wire(octets):
    """The value a header field holds for these wire bytes: the first on the wire is the least significant."""
    value = 0
    for at, octet in enumerate(octets):
        value |= octet << (8 * at)
    return value


def _network_order(number, count):
    """A number as `count` bytes most significant first, as protocols write numbers on the wire."""
    return [(number >> (8 * (count - 1 - at))) & 0xFF for at in range(count)]


def _text_argument(function, text, example):
    if not isinstance(text, str):
        raise SpecError(f'{function}(...) takes a string such as {function}("{example}"), not {text!r}')
    return text


def _number_argument(function, number, what, high, example):
    if isinstance(number, bool) or not isinstance(number, int):
        raise SpecError(f"{function}(...) takes {what} as a Python integer, such as {function}({example}), not {number!r}")
    if not 0 <= number <= high:
        raise SpecError(f"{function}({number}) is not {what} (0..{high})")
    return number


def _ipv4_octets(text):
    """The four octets of an address written "10.0.0.1", or None."""
    parts = text.split(".")
    if len(parts) != 4 or not all(0 < len(p) <= 3 and all(c in _DECIMAL_DIGITS for c in p) and int(p) <= 255 for p in parts):
        return None
    return [int(p) for p in parts]


def mac(text):
    """A MAC address written "01:80:c2:00:00:00", as ether.saddr and ether.daddr hold it."""
    parts = _text_argument("mac", text, "01:80:c2:00:00:00").split(":")
    if len(parts) != 6 or not all(len(p) == 2 and all(c in _HEX_DIGITS for c in p) for p in parts):
        raise SpecError(f'mac("{text}") is not a MAC address: write six two-digit hexadecimal octets separated by ":", e.g. mac("01:80:c2:00:00:00")')
    return _wire([int(p, 16) for p in parts])


def ip(text):
    """An IPv4 address written "10.0.0.1", as ipv4.saddr and ipv4.daddr hold it."""
    octets = _ipv4_octets(_text_argument("ip", text, "10.0.0.1"))
    if octets is None:
        raise SpecError(f'ip("{text}") is not an IPv4 address: write four decimal octets (0..255) separated by ".", e.g. ip("10.0.0.1")')
    return _wire(octets)


def port(number):
    """A TCP/UDP port number (80), as the src_port and dst_port of tcpudp and tcp hold it."""
    return _wire(_network_order(_number_argument("port", number, "a TCP/UDP port", 0xFFFF, 80), 2))


def ethertype(number):
    """An EtherType (0x0800 for IPv4), as ether.type holds it."""
    return _wire(_network_order(_number_argument("ethertype", number, "an EtherType", 0xFFFF, "0x0800"), 2))


def _address_argument(function, value, bits, what):
    """A field value of `bits` bits (symbolic or a Python integer) for an address-class test."""
    if isinstance(value, Sym) and value.width == bits:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < (1 << bits):
        return value
    raise SpecError(f"{function}(...) takes {what} ({bits} bits, e.g. a header field), not {value!r}")


def in_prefix(address, prefix):
    """Whether an IPv4 address (a field value such as ipv4.saddr) lies in the prefix written "10.0.0.0/8"."""
    text = _text_argument("in_prefix", prefix, "10.0.0.0/8")
    network, slash, length = text.partition("/")
    octets = _ipv4_octets(network)
    if octets is None or not (0 < len(length) <= 2 and all(c in _DECIMAL_DIGITS for c in length) and int(length) <= 32):
        raise SpecError(f'in_prefix(..., "{text}") is not an IPv4 prefix: write an address and a length (0..32), e.g. "10.0.0.0/8"')
    network_mask = _network_order(((1 << 32) - 1) ^ ((1 << (32 - int(length))) - 1), 4)
    if any(octet & ~mask for octet, mask in zip(octets, network_mask)):
        kept = ".".join(str(octet & mask) for octet, mask in zip(octets, network_mask))
        raise SpecError(f'in_prefix(..., "{text}") has address bits set past its length {length}: write "{kept}/{length}"')
    mask = _wire(network_mask)
    return (_address_argument("in_prefix", address, 32, "an IPv4 address") & mask) == (_wire(octets) & mask)


def is_group(address):
    """Whether a MAC address (a field value such as ether.daddr) is a group address: multicast or broadcast."""
    return (_address_argument("is_group", address, 48, "a MAC address") & _wire([1, 0, 0, 0, 0, 0])) != 0


def is_broadcast(address):
    """Whether a MAC address (a field value such as ether.daddr) is the broadcast address ff:ff:ff:ff:ff:ff."""
    return _address_argument("is_broadcast", address, 48, "a MAC address") == mac("ff:ff:ff:ff:ff:ff")


# ------------------------------------------------------------------ the function dialect's views

class _PacketView:
    def __init__(self, inputs):
        self.device = _ref(inputs["received_on_port"])
        self.length = _ref(inputs["packet_size"])
        self.time = _ref(inputs["now"])

    def __getattr__(self, protocol):
        if protocol not in HEADER_FIELDS:
            raise AttributeError(f"packets have no attribute {protocol!r} (device, length, time, {', '.join(HEADER_FIELDS)})")
        for entry in _RUN["headers"]:
            if entry["protocol"] == protocol:
                if not _ref(entry["present"]):
                    return None
                return Header(protocol, {field: _ref(value) for field, value in entry["fields"].items()})
        return None


def _sent_read(value, attribute, text):
    """`text` (a read through transmitted_packet) where what it reads from may be None: the NF sent nothing, or a
    frame without that header. The spec's reading it is a claim that the NF did: on this path it fails."""
    if value is None:
        owner = text.rsplit(".", 1)[0]
        last = owner.rsplit(".", 1)[-1]
        if owner == _sandbox.SENT:
            why = "the NF sent no frame"
        elif last in HEADER_FIELDS:
            why = f"the frame the NF sent has no {last} header"
        else:
            why = "it is None here"
        raise _Unmet(f"the spec reads {text}, but {why} ({owner} is None)")
    return getattr(value, attribute)


class _Transmitted:
    def __init__(self, devices, headers):
        self.devices = devices
        self.device = devices[0] if len(devices) == 1 else None
        # A header the frame sent does not carry is None, as the received packet's.
        for protocol in HEADER_FIELDS:
            setattr(self, protocol, None)
        for entry in headers:
            setattr(self, entry["protocol"], Header(entry["protocol"], {f: _ref(v) for f, v in entry["fields"].items()}))


# ------------------------------------------------------------------ running one path

_RUN = {}


def _bind(namespace, inputs, dialect):
    """Fresh names for one run of the spec."""
    _NODES.clear()
    _SENT[0] = 0
    _RUN.clear()
    _ORDERS.clear()
    _LEAST_DIFFERENCE.clear()
    _SCALED.clear()
    _RUN["headers"] = inputs["headers"]
    _RUN["records"] = {name: [tuple(f) for f in layout] for name, layout in inputs["records"].items()}
    # nf.json's config values, exact (the engine sends them as decimal strings).
    _RUN["config"] = {key: int(value) for key, value in inputs["config"].items()}
    # nf.json's config tables, rows as written there: the function dialect's config["table"].
    _RUN["tables"] = inputs.get("tables", {})
    objects = {name: {"emap": _Emap, "lpm": _Lpm, "cht": _Cht}.get(kind, _Vector)(name, kind, key_bits, record, value_record)
               for name, (kind, key_bits, record, value_record) in inputs["state"].items()}
    state = types.ModuleType("state")
    for name, state_object in objects.items():
        setattr(state, name, state_object)
    namespace["__builtins__"] = {**_sandbox.spec_builtins(state), _sandbox.MEMBERSHIP: _membership, _sandbox.SENT_READ: _sent_read}
    _RUN["state"] = inputs["state"]
    namespace.update(
        **{name: _RecordType(name) for name in _RUN["records"]},
        now=_ref(inputs["now"]),
        received_on_port=_received_input(inputs, "received_on_port"),
        packet_size=_received_input(inputs, "packet_size"),
        a_packet_received=inputs["received"],
        the_index_allocated=_received_input(inputs, "the_index_allocated"),
        **{name + "c": _record_constructor(name, [f for f, _, _, _ in layout]) for name, layout in _RUN["records"].items()},
        **{f"_{name}_hash": _shared_hash(name) for name in inputs.get("hashes", [])},
    )
    if dialect == "statement":
        # Vigor's meaning: a state object is there to read and change without `from state import` (only imported
        # ones are compared: the engine compares the front-end's list), and every config value is a global of its
        # name. The language's own names come first; a spec's assignment of the same name is a local of its own.
        for name, value in {**_RUN["config"], **objects}.items():
            namespace.setdefault(name, value)


def _outcome(value, line):
    """The JSON the engine reads for a path's end: what the spec returned at `line`."""
    if value is None:
        return {"kind": "end"}
    if value is _PASS:
        return {"kind": "pass"}
    if not (isinstance(value, tuple) and len(value) == 2):
        raise SpecError(f"a spec returns (ports, headers), e.g. ([1 - received_on_port], [ether(h)]), not {value!r}")
    ports, headers = value
    if not (ports is Ellipsis or isinstance(ports, (list, tuple))):
        raise SpecError(f"the ports a spec returns are a list of devices, e.g. [1 - received_on_port] ([] drops the frame, [...] allows any devices), not {ports!r}")
    if not isinstance(headers, (list, tuple)):
        raise SpecError(f"the headers a spec returns are a list, e.g. [ether(h)] ([] for none), not {headers!r}")
    if ports is Ellipsis or (len(ports) == 1 and ports[0] is Ellipsis):
        port_indices = "any"
    else:
        for device in ports:
            if not isinstance(device, (Sym, int)):
                raise SpecError(f"the ports a spec returns are device numbers, not {device!r}")
        port_indices = [_port(p).index for p in ports]
    # A header list ending with `...` allows any payload; otherwise the bytes after the last header are the input's.
    any_payload = len(headers) > 0 and headers[-1] is Ellipsis
    if any_payload:
        headers = headers[:-1]
    encoded = []
    for header in headers:
        if not isinstance(header, Header):
            raise SpecError(f"the headers a spec returns are built with {', '.join(p + '(...)' for p in HEADER_FIELDS)}, not {header!r} (`...` may only end the list: any payload)")
        fields = {}
        for field, _, size in HEADER_FIELDS[header._protocol]:
            value = header._fields.get(field, Ellipsis)
            fields[field] = "any" if value is Ellipsis else _stored(value, size * 8, f"{header._protocol}.{field} of the frame sent").index
        encoded.append({"protocol": header._protocol, "fields": fields})
    return {"kind": "return", "ports": port_indices, "headers": encoded, "anyPayload": any_payload, "line": line}


_PASS = object()
_COMPILED = {}


def run(dialect, body, inputs_json):
    """Runs one path of a spec (the engine replays earlier decisions); returns the path's nodes and outcome."""
    inputs = json.loads(inputs_json)
    namespace = dict(_PUBLIC)
    _bind(namespace, inputs, dialect)
    try:
        code = _COMPILED.get(body)
        if code is None:
            code = _COMPILED[body] = _sandbox.compile_spec(body, {"__spec__"})
        if "sent_on_ports" in body:
            namespace["sent_on_ports"] = [_ref(d) for d in json.loads(_bridge.sent_devices(_flush()))]
        exec(code, namespace)
        if dialect == "function":
            sent = json.loads(_bridge.transmitted(_flush()))
            if sent is not None:
                sent = _Transmitted([_ref(d) for d in sent["devices"]], sent["headers"])
            namespace["spec"](_PacketView(inputs), {**_RUN["config"], **_RUN["tables"]}, sent)
            outcome = {"kind": "end"}
        else:
            try:
                value, line = namespace["__spec__"](), _RUN.get("return_line")
            except _Return as early:
                value, line = early.value, early.line
            # Where the path ended (its `return`, or the pop_header that returned on_mismatch): the line of its
            # claim, and of the error when what it returned is no claim.
            _RUN["ended_at"] = line
            outcome = _outcome(value, line)
    except _Return:
        outcome = {"kind": "end"}
    except AssertionError:
        outcome = {"kind": "assert", "line": _spec_line()}
    except _Unmet as unmet:
        outcome = {"kind": "assert", "line": _spec_line(), "message": str(unmet)}
    except _sandbox.SandboxError as error:
        outcome = {"kind": "error", "line": error.line, "message": str(error)}
    except KeyboardInterrupt:
        # First: no further interrupt in this run (one would land here and escape the handler).
        _bridge.time_up()
        outcome = {"kind": "limit", "line": _spec_line(), "message": _LIMITS["time"]}
    except MemoryError:
        outcome = {"kind": "limit", "line": _spec_line(), "message": _LIMITS["memory"]}
    except NameError as error:
        outcome = {"kind": "error", "line": _spec_line(), "message": _name_error(error, namespace, dialect), "name": error.name}
    except Exception as error:
        outcome = {"kind": "error", "line": _spec_line(), "message": f"{type(error).__name__}: {error}"}
    # Freed here, inside this property's run: a structure deep enough to crash the interpreter when freed
    # crashes it now, and the error is this property's.
    namespace.clear()
    return json.dumps({"nodes": json.loads(_flush()), "outcome": outcome})


_FUNCTION_PARAMETERS = ("packet", "config", "transmitted_packet")


def _name_error(error, namespace, dialect):
    """A name the spec never bound, in its author's terms: one of the other dialect's names, a Python built-in the
    sandbox leaves out, or else the closest name the spec could have meant."""
    name, message = getattr(error, "name", None), f"{type(error).__name__}: {error}"
    if not name or isinstance(error, UnboundLocalError):
        return message
    if dialect == "statement" and name in _FUNCTION_PARAMETERS:
        return (f"{message}: {name} is a parameter of a function-dialect spec, def spec(packet, config, transmitted_packet);"
                " a statement-dialect spec reads the frame with pop_header(...), packet_size and received_on_port, and"
                " each config value by its name")
    if dialect == "function" and name in _RUN["config"]:
        return f'{message}: a function-dialect spec reads config values from its parameter: config["{name}"]'
    if dialect == "function" and name in _RUN["state"]:
        return f"{message}: a function-dialect spec reaches state through Map(...), ExpiringSet(...) and Cell(...)"
    if _sandbox.left_out_builtin(name):
        return f"{message}: specs cannot use the Python built-in {name!r} (no files, reflection or code execution)"
    known = set(namespace) | set(namespace.get("__builtins__", {})) | set(_spec_locals())
    close = _difflib.get_close_matches(name, sorted(n for n in known if not n.startswith("_") and n != name), n=1)
    return f"{message}; did you mean {close[0]!r}?" if close else message


def _spec_locals():
    """The local names of the innermost frame of the spec's own code where the exception being handled arose."""
    tb, names = sys.exc_info()[2], {}
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<spec>":
            names = tb.tb_frame.f_locals
        tb = tb.tb_next
    return names


def _returned(value):
    """`return X` in a spec becomes `return _returned(X)`: remembers the line the path returned at."""
    _RUN["return_line"] = sys._getframe(1).f_lineno
    return value


def _spec_line():
    """The line of the spec's own code where the exception arose (innermost frame in the spec text); for one that
    arose reading what a path returned, the line where the path ended."""
    tb = sys.exc_info()[2]
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<spec>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line if line is not None else _RUN.get("ended_at")


def _calling_line():
    """The line of the spec's own code that called into the prelude (the innermost frame in the spec text)."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename != "<spec>":
        frame = frame.f_back
    return frame.f_lineno if frame is not None else None


_PUBLIC = {
    "ether": ether, "ipv4": ipv4, "tcpudp": tcpudp, "tcp": tcp, "pop_header": pop_header, "vector_get": vector_get,
    "vector_set": vector_set, "mem": mem, "_PASS": _PASS, "_returned": _returned, "SpecError": SpecError,
    "Map": Map, "ExpiringSet": ExpiringSet, "Cell": Cell,
    "mac": mac, "ip": ip, "port": port, "ethertype": ethertype, "in_prefix": in_prefix, "is_group": is_group,
    "is_broadcast": is_broadcast, **_TCP_FLAGS, **_ALIASES,
}
