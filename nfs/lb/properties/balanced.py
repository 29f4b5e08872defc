# What the other properties share. It claims only that frames the load balancer cannot follow are dropped (as the
# NAT's and the firewall's: IPv4 without options within the frame, no fragment, TCP or UDP long enough for its
# header) and binds t, ip4, eth, EXT_DEVICE, flow, backend_ip and sent_to. Both tables age, whatever the frame.
EXT_DEVICE = 2

# Idle flows and silent backends are forgotten (early on, the thresholds are negative and remove nothing).
flow_emap.expire_all(now - flow_expiration_time)
backend_ip_emap.expire_all(now - backend_expiration_time)

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

# A client's connection (Maglev NSDI'16 3.3: packets of one 5-tuple go to one backend), and the address a
# heartbeat registers its backend under.
flow = LoadBalancedFlowc(ip4.saddr, ip4.daddr, t.src_port, t.dst_port, ip4.npid)
backend_ip = ip_addrc(ip4.saddr)


def sent_to(backend_id):
    """The client's frame, on its way to the backend: destination MAC and IP the backend's, the source MAC the
    output device's (any here), ports and payload unchanged; checksums are compared by validity."""
    backend = backends.get(backend_id)
    return ([backend.nic], [ether(eth, saddr=..., daddr=backend.mac), ipv4(ip4, daddr=backend.ip), tcpudp(t)])


pass
