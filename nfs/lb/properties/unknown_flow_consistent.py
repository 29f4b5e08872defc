# A client packet of a new flow goes to the first live backend the cht prefers for the flow's hash (NSDI'16 3.4),
# full flow table or not; with no live backend it is dropped.
import balanced
if received_on_port == EXT_DEVICE and not flow_emap.has(flow):
    hash = _LoadBalancedFlow_hash(flow)
    if not backend_ip_emap.exists_with_cht(cht, hash):
        return ([], [])
    return sent_to(backend_ip_emap.choose_with_cht(cht, hash))
pass
