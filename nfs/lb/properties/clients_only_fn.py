# Function dialect: heartbeats are never sent on, and a client's frame goes to a backend device (never back to
# the clients) from the client's own address and ports: only the destination changes.
EXT_DEVICE = 2

def spec(packet, config, transmitted_packet):
    if packet.device != EXT_DEVICE:
        assert transmitted_packet is None
        return
    if transmitted_packet is not None:
        assert transmitted_packet.device != EXT_DEVICE
        assert transmitted_packet.ipv4.saddr == packet.ipv4.saddr
        assert transmitted_packet.tcpudp.src_port == packet.tcpudp.src_port
        assert transmitted_packet.tcpudp.dst_port == packet.tcpudp.dst_port
