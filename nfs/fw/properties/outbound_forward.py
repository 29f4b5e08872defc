# Every internal packet the firewall can match to a flow goes out on the external device, unchanged but for
# its Ethernet addresses, full table or not (its flow refreshed, or opened when there is room).
import flows
if received_on_port != EXT_DEVICE:
    if flow_emap.has(outbound_id):
        flow_emap.refresh_idx(flow_emap.get(outbound_id), now)
    elif not flow_emap.full():
        flow_emap.add(outbound_id, the_index_allocated, now)
        int_devices.set(the_index_allocated, DeviceIdc(received_on_port))
    return sent_out()
pass
