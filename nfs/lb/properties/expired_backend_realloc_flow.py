# A client packet of a known flow whose backend expired: the flow is forgotten and chosen anew, as a new flow
# (there is room now), or the packet is dropped when no backend is alive.
from state import flow_emap, flow_id_to_backend_id
import balanced
if received_on_port == EXT_DEVICE and flow_emap.has(flow) and not backend_ip_emap.has_idx(flow_id_to_backend_id.get(flow_emap.get(flow))):
    flow_emap.erase(flow)
    hash = _LoadBalancedFlow_hash(flow)
    if not backend_ip_emap.exists_with_cht(cht, hash):
        return ([], [])
    backend_id = backend_ip_emap.choose_with_cht(cht, hash)
    flow_emap.add(flow, the_index_allocated, now)
    flow_id_to_backend_id.set(the_index_allocated, backend_id)
    return sent_to(backend_id)
pass
