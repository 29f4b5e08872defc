# A frame to a known destination whose bucket, refilled, holds the frame goes to the LAN unchanged, and the bucket
# is charged its size and stamped now.
from state import flow_emap, dyn_vals
import refill
if received_on_port == WAN and flow_emap.has(l3.daddr) and packet_size <= tokens:
    dyn_vals.set(i, DynamicValuec(tokens - packet_size, now))
    return ([LAN], [ether(l2), ipv4(l3)])
else:
    pass
