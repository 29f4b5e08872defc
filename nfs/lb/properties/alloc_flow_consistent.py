# A new flow that has a live backend is remembered, stamped now, with the backend the cht chose for it, whenever
# the flow table has room (and is not remembered otherwise).
from state import flow_emap, flow_id_to_backend_id
import balanced
if received_on_port == EXT_DEVICE and not flow_emap.has(flow) and backend_ip_emap.exists_with_cht(cht, _LoadBalancedFlow_hash(flow)):
    if not flow_emap.full():
        flow_emap.add(flow, the_index_allocated, now)
        flow_id_to_backend_id.set(the_index_allocated, backend_ip_emap.choose_with_cht(cht, _LoadBalancedFlow_hash(flow)))
else:
    pass
