# An internal packet of a new flow opens it, stamped now and recorded with its device, if the table has room.
import flows
if received_on_port != EXT_DEVICE and not flow_emap.has(outbound_id) and not flow_emap.full():
    flow_emap.add(outbound_id, the_index_allocated, now)
    int_devices.set(the_index_allocated, DeviceIdc(received_on_port))
else:
    pass
