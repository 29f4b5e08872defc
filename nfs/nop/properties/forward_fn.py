# Function dialect: every frame leaves on the other device, and only there.
def spec(packet, config, transmitted_packet):
    assert transmitted_packet is not None
    assert transmitted_packet.devices == [1 - packet.device]
