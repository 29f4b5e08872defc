# IEEE 802.1D learning bridge, two devices (nfs/bridge/nf.json).
from state import dyn_emap, dyn_vals, stat_emap
EXPIRATION_TIME = 300 * 1000 * 1000 * 1000  # ns, config expiration_time
DROP_RULE = -2  # a static rule's output device that means "filter the frame"

# A frame without an Ethernet header is dropped.
h = pop_header(ether, on_mismatch=([], []))

# Ageing (802.1D 7.9.2): entries not refreshed within the expiration time are removed.
if EXPIRATION_TIME <= now:
    dyn_emap.expire_all(now - EXPIRATION_TIME)

# Learning (7.8): the source address is reachable through the input device.
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
