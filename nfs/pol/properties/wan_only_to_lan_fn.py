# Function dialect: nothing leaves on the device it came in on, a frame from the WAN leaves only towards the LAN,
# and a frame without an IPv4 header is dropped.
def spec(packet, config, transmitted_packet):
    if packet.ipv4 is None:
        assert transmitted_packet is None
        return
    if transmitted_packet is not None:
        assert packet.device not in transmitted_packet.devices
        assert transmitted_packet.ipv4.daddr == packet.ipv4.daddr
