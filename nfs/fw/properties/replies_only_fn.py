# Function dialect: an external packet comes in only if its reversed 5-tuple was an open flow before it, and
# the firewall never opens a flow for one. Forwarded frames keep their addresses and ports.
EXT_DEVICE = 1

def spec(packet, config, transmitted_packet):
    flows = ExpiringSet(FlowId)
    if packet.device == EXT_DEVICE and packet.tcpudp is not None:
        reply = FlowIdc(packet.tcpudp.dst_port, packet.tcpudp.src_port, packet.ipv4.daddr, packet.ipv4.saddr, packet.ipv4.npid)
        if reply not in flows.old:
            assert transmitted_packet is None
            assert reply not in flows
    if transmitted_packet is not None:
        assert transmitted_packet.ipv4.saddr == packet.ipv4.saddr
        assert transmitted_packet.tcpudp.dst_port == packet.tcpudp.dst_port
