# IEEE 802.1D learning bridge, two devices (nfs/bridge/nf.json).
# Read against IEEE 802.1D-2004 7.7-7.9 for gaps like learning group sources (closed below, 7.8 b):
# - 7.8 c), no dynamic entry for an address a static entry names: not done, as no claim depends on it. Forwarding
#   asks the static table first, so a learned entry never overrides a rule; the shipped rules name only a group
#   address, which is never learned.
# - 7.8, an existing entry is updated to the reception port (a station that moved): kept as Vigor 1.0 has it, the
#   entry's age is renewed and its device kept, so a moved station is reached at the old device until the entry
#   ages out. Vigor's specs claim exactly that (dyn_vals unchanged on a refresh); a change of behaviour of its own.
# - 7.8 d), learn only while the table has room (evicting another entry is allowed, not required): as below.
# - 7.9.2, ageing: expiration_time is the recommended 300 s. 7.7.1, port states: no spanning tree, every port
#   forwards. 7.12.6 (beyond 7.9), reserved addresses 01:80:c2:00:00:00..0f are never relayed: nf.json's static
#   rules drop only ...:00, as Vigor's configuration does; the others are rows an operator adds.
from state import dyn_emap, dyn_vals, stat_emap
EXPIRATION_TIME = 300 * 1000 * 1000 * 1000  # ns, config expiration_time
DROP_RULE = -2  # a static rule's output device that means "filter the frame"

# A frame without an Ethernet header is dropped.
h = pop_header(ether, on_mismatch=([], []))

# Ageing (802.1D 7.9.2): entries not refreshed within the expiration time are removed.
dyn_emap.expire_all(now - EXPIRATION_TIME)

# Learning (7.8): the source address is reachable through the input device, if it "denotes a specific end
# station (i.e., is not a group address)" (7.8 b). Config learn_group_sources learns any source, as Vigor 1.0 does.
if learn_group_sources or not is_group(h.saddr):
    if dyn_emap.has(h.saddr):
        dyn_emap.refresh_idx(dyn_emap.get(h.saddr), now)
    elif not dyn_emap.full():
        dyn_emap.add(h.saddr, the_index_allocated, now)
        dyn_vals.set(the_index_allocated, DynamicValuec(received_on_port))

# Forwarding (7.7): a static rule first, then a learned entry, else flood. A frame is never sent
# back out on the device it came in on.
static_key = StaticKeyc(h.daddr, received_on_port)
if stat_emap.has(static_key):
    output = stat_emap.get(static_key)
    if output == DROP_RULE or output == received_on_port:
        return ([], [])
    return ([output], [ether(h)])
if dyn_emap.has(h.daddr):
    output = dyn_vals.get(dyn_emap.get(h.daddr)).output_port
    if output == received_on_port:
        return ([], [])
    return ([output], [ether(h)])
return ([1 - received_on_port], [ether(h)])  # flood: every device but the input one
