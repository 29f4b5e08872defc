# Traffic in either direction keeps its flow alive: an internal packet of an open flow, or a reply to one,
# refreshes the flow and changes nothing else.
import flows
if received_on_port == EXT_DEVICE and flow_emap.has(reply_id):
    flow_emap.refresh_idx(flow_emap.get(reply_id), now)
elif received_on_port != EXT_DEVICE and flow_emap.has(outbound_id):
    flow_emap.refresh_idx(flow_emap.get(outbound_id), now)
else:
    pass
