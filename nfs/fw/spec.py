# Stateful firewall, two devices: 1 is the outside (nfs/fw/nf.json). Only replies to internal traffic come in:
# an internal packet opens its flow (if the table has room) or refreshes it, and always goes out; an external
# packet comes in only if its reversed 5-tuple is an open flow, which it refreshes, to that flow's device.
# Frames are otherwise unchanged (Ethernet addresses are the output device's); flows expire when idle.
import flows

if received_on_port == EXT_DEVICE:
    if not flow_emap.has(reply_id):
        return ([], [])
    index = flow_emap.get(reply_id)
    flow_emap.refresh_idx(index, now)
    return ([int_devices.get(index).device], [ether(eth, saddr=..., daddr=...), ipv4(ip4), tcpudp(t)])

if flow_emap.has(outbound_id):
    flow_emap.refresh_idx(flow_emap.get(outbound_id), now)
elif not flow_emap.full():
    flow_emap.add(outbound_id, the_index_allocated, now)
    int_devices.set(the_index_allocated, DeviceIdc(received_on_port))
return sent_out()
