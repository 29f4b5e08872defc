# The flows a packet belongs to, for the other properties. It claims only that frames the firewall cannot match
# to a flow are dropped, and the table only ages: not IPv4 without options, beyond the frame, fragments (only the
# first carries ports), not TCP/UDP or too short for its header. It binds t, ip4, eth, EXT_DEVICE, outbound_id,
# reply_id and sent_out.
from state import flow_emap, int_devices
EXT_DEVICE = 1

# Flows idle for the expiration time are forgotten, whatever the frame (early on, the time is negative).
flow_emap.expire_all(now - expiration_time)

t = pop_header(tcpudp, on_mismatch=([], []))
ip4 = pop_header(ipv4, on_mismatch=([], []))
eth = pop_header(ether, on_mismatch=([], []))
# Field values are little-endian loads: the total length's bytes come swapped, and the fragment field's low
# byte holds the flags (0x20 More Fragments) and the top of the offset.
total_length = ((ip4.len & 0xff) << 8) | (ip4.len >> 8)
if ip4.vihl != 0x45 or total_length > packet_size - 14 or ip4.foff & 0xff3f != 0:
    return ([], [])
if total_length < 20 + (20 if ip4.npid == 6 else 8):
    return ([], [])

# A flow as the internal side sees it: an outbound packet's 5-tuple, a reply's reversed.
outbound_id = FlowIdc(t.src_port, t.dst_port, ip4.saddr, ip4.daddr, ip4.npid)
reply_id = FlowIdc(t.dst_port, t.src_port, ip4.daddr, ip4.saddr, ip4.npid)


def sent_out():
    """An outbound packet leaves on the external device, unchanged but for the Ethernet addresses (the device's)."""
    return ([EXT_DEVICE], [ether(eth, saddr=..., daddr=...), ipv4(ip4), tcpudp(t)])


pass
