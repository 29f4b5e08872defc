# Maglev load balancer (Eisenbud et al., NSDI'16), three devices (nfs/lb/nf.json): clients on the external device 2,
# backends on 0 and 1. Backends announce themselves with heartbeats; client flows are spread over the live ones by
# consistent hashing (the cht) and then stay with their backend while it lives. Config values are globals:
# flow_capacity, backend_capacity, cht_height, flow_expiration_time, backend_expiration_time.
#
# Maglev's own health checks (3.2) are heartbeats here: any valid frame on a backend device registers its source
# (device, MAC, IP) if unknown and there is room, else keeps it alive; it is never forwarded. Unlike Maglev's GRE
# encapsulation (3.1, 3.2), the frame reaches the backend with its destination MAC and IP rewritten.
from state import flow_emap, flow_id_to_backend_id, backends, backend_ip_emap
import balanced

if received_on_port != EXT_DEVICE:
    if backend_ip_emap.has(backend_ip):
        backend_ip_emap.refresh_idx(backend_ip_emap.get(backend_ip), now)
    elif not backend_ip_emap.full():
        backend_ip_emap.add(backend_ip, the_index_allocated, now)
        backends.set(the_index_allocated, LoadBalancedBackendc(received_on_port, eth.saddr, ip4.saddr))
    return ([], [])

# Connection tracking (3.3): a known flow stays with its backend while that backend lives.
if flow_emap.has(flow):
    index = flow_emap.get(flow)
    backend_id = flow_id_to_backend_id.get(index)
    if backend_ip_emap.has_idx(backend_id):
        flow_emap.refresh_idx(index, now)
        return sent_to(backend_id)
    # Its backend is gone: the flow is chosen anew, as a new one.
    flow_emap.erase(flow)

# Consistent hashing (3.4): the first live backend of the lookup-table row the flow's hash selects.
hash = _LoadBalancedFlow_hash(flow)
if not backend_ip_emap.exists_with_cht(cht, hash):
    return ([], [])
backend_id = backend_ip_emap.choose_with_cht(cht, hash)
if not flow_emap.full():
    flow_emap.add(flow, the_index_allocated, now)
    flow_id_to_backend_id.set(the_index_allocated, backend_id)
return sent_to(backend_id)
