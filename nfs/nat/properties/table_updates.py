# The flow table a packet leaves behind: flows expire; a reply from a flow's remote end refreshes the flow; an
# outbound packet refreshes its known flow or opens a new one if there is room.
import flows
if received_on_port == EXT_DEVICE:
    index = reply_flow()
    if index is not None:
        flow_emap.refresh_idx(index, now)
elif flow_emap.has(outbound_id):
    flow_emap.refresh_idx(flow_emap.get(outbound_id), now)
elif not flow_emap.full():
    flow_emap.add(outbound_id, the_index_allocated, now)
