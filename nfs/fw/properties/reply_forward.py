# A reply to an open flow (its reversed 5-tuple) comes in to the device the flow came from, and refreshes it.
import flows
if received_on_port == EXT_DEVICE and flow_emap.has(reply_id):
    index = flow_emap.get(reply_id)
    flow_emap.refresh_idx(index, now)
    return ([int_devices.get(index).device], [ether(eth, saddr=..., daddr=...), ipv4(ip4), tcpudp(t)])
pass
