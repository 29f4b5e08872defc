# An outbound packet of a known flow refreshes it, so an active flow never expires.
import flows
if received_on_port != EXT_DEVICE and flow_emap.has(outbound_id):
    flow_emap.refresh_idx(flow_emap.get(outbound_id), now)
else:
    pass
