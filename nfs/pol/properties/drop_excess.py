# A frame to a known destination whose bucket, refilled, holds less than the frame is dropped; the bucket keeps
# its tokens (nothing is charged) and is stamped now.
from state import flow_emap, dyn_vals
import refill
if received_on_port == WAN and flow_emap.has(l3.daddr) and tokens < packet_size:
    dyn_vals.set(i, DynamicValuec(tokens, now))
    return ([], [])
else:
    pass
