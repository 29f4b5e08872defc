# The spec prelude: symbolic values for Vigor-style specs, run in Pyodide.
#
# A symbolic value is an index into a flat table of nodes that this module appends to; the engine reads the new
# nodes at every call into it (one JSON string), so no Python object ever crosses to JavaScript. Every truth test
# asks the engine, synchronously, which way this path goes (the engine forks by re-running the spec).
# python.ts makes a fresh module from this file for every property (so no property can change another's names or
# objects) and gives it `_LIMITS`, the sandbox's limits in words; a spec's own code runs in the sandbox
# (sandbox.py): its syntax tree checked, its builtins restricted.
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


def _node(op, width, *args):
    _NODES.append([op, width, *args])
    return Sym(len(_NODES) - 1, width)


class SpecError(Exception):
    """A spec that cannot mean anything (wrong types, unknown names at run time)."""


class _Return(Exception):
    """A path that ends before the spec's own `return` (pop_header's on_mismatch), at `line` of the spec text."""

    def __init__(self, value, line):
        self.value = value
        self.line = line


class Sym:
    """A symbolic bit-vector (width > 0) or boolean (width 0)."""

    __slots__ = ("index", "width")

    def __init__(self, index, width):
        self.index = index
        self.width = width

    def __bool__(self):
        condition = self if self.width == 0 else self != 0
        caller = sys._getframe(1)
        line = caller.f_lineno if caller.f_code.co_filename == "<spec>" else 0
        return _bridge.decide(_flush(), condition.index, line)

    def __index__(self):
        raise SpecError("a symbolic value cannot be used as a Python integer (as a list index, in range(), ...)")

    __hash__ = object.__hash__

    def __repr__(self):
        return f"<symbolic {'bool' if self.width == 0 else f'{self.width}-bit value'}>"

    # arithmetic (modulo 2^width, as the NF computes)
    def __add__(self, other): return _binary("add", self, other)
    def __radd__(self, other): return _binary("add", other, self)
    def __sub__(self, other): return _binary("sub", self, other)
    def __rsub__(self, other): return _binary("sub", other, self)
    def __mul__(self, other): return _binary("mul", self, other)
    def __rmul__(self, other): return _binary("mul", other, self)
    def __floordiv__(self, other): return _binary("udiv", self, other)
    def __mod__(self, other): return _binary("urem", self, other)
    def __lshift__(self, other): return _binary("shl", self, other)
    def __rshift__(self, other): return _binary("lshr", self, other)
    def __and__(self, other): return _logic("and", "band", self, other)
    def __rand__(self, other): return _logic("and", "band", other, self)
    def __or__(self, other): return _logic("or", "bor", self, other)
    def __ror__(self, other): return _logic("or", "bor", other, self)
    def __xor__(self, other): return _binary("xor", self, other)
    def __invert__(self): return _node("not", 0, self.index) if self.width == 0 else _binary("xor", self, -1)
    def __neg__(self): return _binary("sub", 0, self)

    # comparisons: unsigned, unless a Python operand is negative (then signed)
    def __eq__(self, other): return _compare("eq", self, other)
    def __ne__(self, other): return _node("not", 0, _compare("eq", self, other).index)
    def __lt__(self, other): return _compare("lt", self, other)
    def __le__(self, other): return _compare("le", self, other)
    def __gt__(self, other): return _compare("lt", other, self)
    def __ge__(self, other): return _compare("le", other, self)


def _const(value, width):
    if width == 0:
        return _node("c", 0, "1" if value else "0")
    return _node("c", width, str(value % (1 << width)))


def _lift(value, width):
    """A Sym of `width` bits from a Sym (zero-extended if narrower) or a Python int or bool."""
    if isinstance(value, Sym):
        if value.width == 0 and width > 0:
            return _node("ite", width, value.index, _const(1, width).index, _const(0, width).index)
        if value.width < width:
            return _node("zext", width, value.index)
        return value
    if isinstance(value, bool):
        return _const(int(value), width)
    if isinstance(value, int):
        return _const(value, width)
    raise SpecError(f"cannot combine a symbolic value with {type(value).__name__} {value!r}")


def _width(a, b):
    widths = [x.width for x in (a, b) if isinstance(x, Sym)]
    return max(widths) if max(widths) > 0 else 0


def _binary(op, a, b):
    width = max(_width(a, b), 1)
    return _node(op, width, _lift(a, width).index, _lift(b, width).index)


def _logic(bit_op, bool_op, a, b):
    if all(isinstance(x, (Sym, bool)) and (not isinstance(x, Sym) or x.width == 0) for x in (a, b)):
        return _node(bool_op, 0, _lift(a, 0).index if isinstance(a, Sym) else _const(a, 0).index,
                     _lift(b, 0).index if isinstance(b, Sym) else _const(b, 0).index)
    return _binary(bit_op, a, b)


def _compare(op, a, b):
    width = _width(a, b)
    if width == 0:
        if op != "eq":
            raise SpecError("truth values cannot be ordered (<, <=, >, >=): compare numbers, or use == / !=")
        a, b = (x if isinstance(x, Sym) else _const(x, 0) for x in (a, b))
        return _node(op, 0, a.index, b.index)
    signed = any(isinstance(x, int) and not isinstance(x, bool) and x < 0 for x in (a, b))
    name = op if op == "eq" else ("s" if signed else "u") + op
    return _node(name, 0, _lift(a, width).index, _lift(b, width).index)


def _ref(pair):
    """A value the engine made (an input, a header field, a state query): [handle, width]."""
    handle, width = pair
    return _node("r", width, handle)


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
HEADER_FIELDS = {protocol: [tuple(field) for field in fields] for protocol, fields in json.loads(_bridge.header_fields()).items()}


class Header:
    """A header: its protocol and one value per field (`...` for any value)."""

    def __init__(self, protocol, fields):
        object.__setattr__(self, "_protocol", protocol)
        object.__setattr__(self, "_fields", fields)

    def __getattr__(self, name):
        fields = object.__getattribute__(self, "_fields")
        if name not in fields:
            raise SpecError(f"{self._protocol} headers have no field {name!r} (fields: {', '.join(fields)})")
        return fields[name]

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


def pop_header(protocol, on_mismatch=None):
    """The next header the NF parsed, innermost first; if there is none or it is another protocol, the spec
    returns `on_mismatch`."""
    name = protocol.__name__
    stack = _RUN["headers"]
    if not stack or stack[0]["protocol"] != name:
        raise _Return(on_mismatch, _calling_line())
    top = stack.pop(0)
    present = _ref(top["present"])
    if not present:
        raise _Return(on_mismatch, _calling_line())
    return Header(name, {field: _ref(value) for field, value in top["fields"].items()})


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
        return _concat_bytes([_fit(self._fields[field], bits) for field, _, bits in _RUN["records"][self._type]])


def _fit(value, bits):
    """`value` as exactly `bits` bits: zero-extended, or its low bits (a device number stored as a u16)."""
    if isinstance(value, Sym) and value.width > bits:
        return _extract(value, 0, bits)
    return _lift(value, bits)


def _record_from_bits(type_name, value):
    layout = _RUN["records"][type_name]
    return Record(type_name, {field: _extract(value, offset * 8, bits) for field, offset, bits in layout})


def _record_constructor(type_name, field_names):
    def construct(*values):
        if len(values) != len(field_names):
            raise SpecError(f"{type_name}c takes {len(field_names)} values ({', '.join(field_names)}), got {len(values)}")
        return Record(type_name, dict(zip(field_names, values)))

    construct.__name__ = type_name + "c"
    return construct


def _value_argument(value, width):
    if isinstance(value, Record):
        return value._bits().index
    return _fit(value, width).index


class _StateObject:
    def __init__(self, name, kind, key_bits, record, value_record, when=""):
        self._name, self._kind, self._key_bits, self._record = name, kind, key_bits, record
        self._value_record = value_record
        # "" is the spec's own copy (statement dialect); "@nf" the state the NF left (function dialect).
        self._when = when

    def _call(self, op, *args):
        answer = _bridge.state(_flush(), self._name + self._when, op, json.dumps(list(args)))
        return None if answer == "null" else _ref(json.loads(answer))

    def __repr__(self):
        return f"<{self._kind} {self._name}>"


class _Emap(_StateObject):
    def has(self, key): return self._call("has", _value_argument(key, self._key_bits))
    def get(self, key):
        value = self._call("get", _value_argument(key, self._key_bits))
        return _record_from_bits(self._value_record, value) if self._value_record else value

    def get_key(self, index): return self._call("get_key", _lift(index, 32).index)
    def has_idx(self, index): return self._call("has_idx", _lift(index, 32).index)
    def full(self): return self._call("full")
    def add(self, key, index, time): self._call("add", _value_argument(key, self._key_bits), _lift(index, 32).index, _lift(time, 64).index)
    def refresh_idx(self, index, time): self._call("refresh", _lift(index, 32).index, _lift(time, 64).index)
    def erase(self, key): self._call("erase", _value_argument(key, self._key_bits))
    def expire_all(self, time): self._call("expire", _lift(time, 64).index)


class _Vector(_StateObject):
    def get(self, index):
        value = self._call("get", _lift(index, 32).index)
        return _record_from_bits(self._record, value) if self._record else value

    def set(self, index, value):
        self._call("set", _lift(index, 32).index, _value_argument(value, self._key_bits))


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
    result = False
    for candidate in values:
        result = (value == candidate) if result is False else (result | (value == candidate))
    return result


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
    """A TCP/UDP port number (80), as tcpudp.src_port and tcpudp.dst_port hold it."""
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
            raise AttributeError(f"packets have no attribute {protocol!r} (device, length, time, ether, ipv4, tcpudp)")
        for entry in _RUN["all_headers"]:
            if entry["protocol"] == protocol:
                if not _ref(entry["present"]):
                    return None
                return Header(protocol, {field: _ref(value) for field, value in entry["fields"].items()})
        return None


class _Transmitted:
    def __init__(self, devices, headers):
        self.devices = devices
        self.device = devices[0] if len(devices) == 1 else None
        for entry in headers:
            setattr(self, entry["protocol"], Header(entry["protocol"], {f: _ref(v) for f, v in entry["fields"].items()}))


# ------------------------------------------------------------------ running one path

_RUN = {}


def _bind(namespace, inputs, dialect):
    """Fresh names for one run of the spec."""
    _NODES.clear()
    _SENT[0] = 0
    _RUN.clear()
    _RUN["headers"] = [dict(entry) for entry in inputs["headers"]]
    _RUN["all_headers"] = inputs["all_headers"]
    _RUN["records"] = {name: [tuple(f) for f in layout] for name, layout in inputs["records"].items()}
    # nf.json's config values, exact (the engine sends them as decimal strings).
    _RUN["config"] = {key: int(value) for key, value in inputs["config"].items()}
    objects = {name: (_Emap if kind == "emap" else _Vector)(name, kind, key_bits, record, value_record)
               for name, (kind, key_bits, record, value_record) in inputs["state"].items()}
    state = types.ModuleType("state")
    for name, state_object in objects.items():
        setattr(state, name, state_object)
    namespace["__builtins__"] = _sandbox.spec_builtins(state)
    _RUN["state"] = inputs["state"]
    namespace.update(
        **{name: _RecordType(name) for name in _RUN["records"]},
        now=_ref(inputs["now"]),
        received_on_port=_ref(inputs["received_on_port"]),
        packet_size=_ref(inputs["packet_size"]),
        a_packet_received=True,
        the_index_allocated=_ref(inputs["the_index_allocated"]),
        **{name + "c": _record_constructor(name, [f for f, _, _ in layout]) for name, layout in _RUN["records"].items()},
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
        port_indices = [_lift(p, 32).index for p in ports]
    # A header list ending with `...` allows any payload; otherwise the bytes after the last header are the input's.
    any_payload = len(headers) > 0 and headers[-1] is Ellipsis
    if any_payload:
        headers = headers[:-1]
    encoded = []
    for header in headers:
        if not isinstance(header, Header):
            raise SpecError(f"the headers a spec returns are built with ether(...), ipv4(...), tcpudp(...), not {header!r} (`...` may only end the list: any payload)")
        fields = {}
        for field, _, size in HEADER_FIELDS[header._protocol]:
            value = header._fields.get(field, Ellipsis)
            fields[field] = "any" if value is Ellipsis else _lift(value, size * 8).index
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
            namespace["spec"](_PacketView(inputs), dict(_RUN["config"]), sent)
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
    except _sandbox.SandboxError as error:
        outcome = {"kind": "error", "line": error.line, "message": str(error)}
    except KeyboardInterrupt:
        outcome = {"kind": "limit", "line": _spec_line(), "message": f"the spec ran longer than {_LIMITS['time']}"}
    except MemoryError:
        outcome = {"kind": "limit", "line": _spec_line(), "message": f"the spec needed more memory than the {_LIMITS['memory']} its interpreter may use"}
    except Exception as error:
        outcome = {"kind": "error", "line": _spec_line(), "message": f"{type(error).__name__}: {error}"}
    # Freed here, inside this property's run: a structure deep enough to crash the interpreter when freed
    # crashes it now, and the error is this property's.
    namespace.clear()
    return json.dumps({"nodes": json.loads(_flush()), "outcome": outcome})


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
    "ether": ether, "ipv4": ipv4, "tcpudp": tcpudp, "pop_header": pop_header, "vector_get": vector_get,
    "vector_set": vector_set, "mem": mem, "_PASS": _PASS, "_returned": _returned, "SpecError": SpecError,
    "Map": Map, "ExpiringSet": ExpiringSet, "Cell": Cell,
    "mac": mac, "ip": ip, "port": port, "ethertype": ethertype, "in_prefix": in_prefix, "is_group": is_group,
    "is_broadcast": is_broadcast,
}
