# The first outbound packet of a flow, when the table has room, opens the flow and leaves on the external device
# from the external address and the port of the flow's new index.
import flows
if received_on_port != EXT_DEVICE and not flow_emap.has(outbound_id) and not flow_emap.full():
    flow_emap.add(outbound_id, the_index_allocated, now)
    return sent_out(the_index_allocated)
pass
