# Traffic policer, two devices (nfs/pol/nf.json): WAN 0, LAN 1. A token bucket per destination address (RFC 2697's
# single rate with one bucket: committed burst = config burst, rate in bytes a second) polices WAN -> LAN.
from state import flow_emap, dyn_vals
# Malformed IPv4 is dropped; idle buckets expire; a known WAN destination's bucket is refilled (binds l3, l2, WAN,
# LAN, and for that destination i and tokens).
import refill

# LAN to WAN is not policed.
if received_on_port == LAN:
    return ([WAN], [ether(l2), ipv4(l3)])

# A known destination: the frame passes if the refilled bucket holds its size, and is charged then; the bucket is
# stamped now either way.
if flow_emap.has(l3.daddr):
    if packet_size <= tokens:
        dyn_vals.set(i, DynamicValuec(tokens - packet_size, now))
        return ([LAN], [ether(l2), ipv4(l3)])
    dyn_vals.set(i, DynamicValuec(tokens, now))
    return ([], [])

# A new destination starts with a full bucket less this frame, if the frame fits one and the table has room;
# otherwise the frame is dropped and nothing is remembered.
if packet_size <= burst and not flow_emap.full():
    flow_emap.add(l3.daddr, the_index_allocated, now)
    dyn_vals.set(the_index_allocated, DynamicValuec(burst - packet_size, now))
    return ([LAN], [ether(l2), ipv4(l3)])
return ([], [])
