# A frame from the WAN to a destination without a bucket starts one, full less the frame, and goes to the LAN,
# if the frame fits a full bucket and the table has room.
from state import flow_emap, dyn_vals
import malformed_drop
WAN = 0
LAN = 1
flow_emap.expire_all(now - expiration_time)
if received_on_port == WAN and not flow_emap.has(l3.daddr) and packet_size <= burst and not flow_emap.full():
    flow_emap.add(l3.daddr, the_index_allocated, now)
    dyn_vals.set(the_index_allocated, DynamicValuec(burst - packet_size, now))
    return ([LAN], [ether(l2), ipv4(l3)])
else:
    pass
