# Function dialect: a frame without an Ethernet header is dropped; any other frame never goes back
# out on its input device and keeps its Ethernet header.
def spec(packet, config, transmitted_packet):
    if packet.ether is None:
        assert transmitted_packet is None
        return
    if transmitted_packet is not None:
        assert packet.device not in transmitted_packet.devices
        assert transmitted_packet.ether.saddr == packet.ether.saddr
        assert transmitted_packet.ether.daddr == packet.ether.daddr
        assert transmitted_packet.ether.type == packet.ether.type
