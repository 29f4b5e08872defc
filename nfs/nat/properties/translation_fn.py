# Function dialect: what a forwarded frame looks like from outside. Outbound frames leave on the external
# device from the external address, to the destination they had; inbound ones keep their source address and
# port (the remote end's). Only TCP/UDP frames are sent.
EXT_DEVICE = 1

def spec(packet, config, transmitted_packet):
    if transmitted_packet is None:
        return
    assert packet.tcpudp is not None
    if packet.device == EXT_DEVICE:
        assert transmitted_packet.ipv4.saddr == packet.ipv4.saddr
        assert transmitted_packet.tcpudp.src_port == packet.tcpudp.src_port
    else:
        assert transmitted_packet.device == EXT_DEVICE
        assert transmitted_packet.ipv4.saddr == config["ext_ip"]
        assert transmitted_packet.ipv4.daddr == packet.ipv4.daddr
        assert transmitted_packet.tcpudp.dst_port == packet.tcpudp.dst_port
