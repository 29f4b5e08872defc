# A client packet of a known flow whose backend is alive goes to that backend (NSDI'16 3.3, connection tracking),
# and keeps the flow alive.
from state import flow_emap
import balanced
if received_on_port == EXT_DEVICE and flow_emap.has(flow) and backend_ip_emap.has_idx(flow_id_to_backend_id.get(flow_emap.get(flow))):
    index = flow_emap.get(flow)
    flow_emap.refresh_idx(index, now)
    return sent_to(flow_id_to_backend_id.get(index))
pass
