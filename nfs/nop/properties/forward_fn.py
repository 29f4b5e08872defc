# Function dialect: a frame with an Ethernet header leaves on the other device, and only there; any other is dropped.
def spec(packet, config, transmitted_packet):
    if packet.ether is None:
        assert transmitted_packet is None
        return
    assert transmitted_packet is not None
    assert transmitted_packet.devices == [1 - packet.device]
