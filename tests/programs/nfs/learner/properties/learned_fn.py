# Function dialect: a source address known before the frame is still known after it (refreshed, or re-learned
# when it had aged out and left room).
def spec(packet, config, transmitted_packet):
    macs = ExpiringSet(ether_addr)
    if packet.ether is None:
        return
    if packet.ether.saddr in macs.old:
        assert packet.ether.saddr in macs
