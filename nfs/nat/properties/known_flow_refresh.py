# A known flow forwards in both directions, and is refreshed either way: outbound from the external address
# and the flow's port, inbound (from its remote end) to its internal address and port.
import flows
if received_on_port == EXT_DEVICE:
    index = reply_flow()
    if index is not None:
        flow_emap.refresh_idx(index, now)
        return sent_in(index)
elif flow_emap.has(outbound_id):
    index = flow_emap.get(outbound_id)
    flow_emap.refresh_idx(index, now)
    return sent_out(index)
pass
