# An outbound packet of an unknown flow opens it, stamped now, if the table has room.
import flows
if received_on_port != EXT_DEVICE and not flow_emap.has(outbound_id) and not flow_emap.full():
    flow_emap.add(outbound_id, the_index_allocated, now)
else:
    pass
