# spec.py in the function dialect, with the routing table read from nf.json (config["routes"], rows as written
# there) rather than from the lpm nf_init filled: so the table's contents are checked against the configuration.
def network_order(word):
    """A 16-bit field's value (a little-endian load of its wire bytes) as the number on the wire, and back."""
    return ((word & 0xFF) << 8) | (word >> 8)

def longest_match(address, routes):
    """The device of the longest configured prefix the address lies in, or None."""
    for route in sorted(routes, key=lambda r: -r["length"]):
        if in_prefix(address, route["prefix"] + "/" + str(route["length"])):
            return route["device"]
    return None

def spec(packet, config, transmitted_packet):
    l3 = packet.ipv4
    if l3 is None or network_order(l3.len) > packet.length - 14 or l3.ttl <= 1:
        assert transmitted_packet is None
        return
    device = longest_match(l3.daddr, config["routes"])
    if device is None:
        assert transmitted_packet is None
        return
    assert transmitted_packet is not None and transmitted_packet.devices == [device]
    # One hop less, the checksum updated by RFC 1624 eqn. 3 over the word holding the TTL and the protocol, the
    # rest of both headers unchanged.
    m = (l3.ttl << 8) | l3.npid
    total = (~network_order(l3.cksum) & 0xFFFF) + (~m & 0xFFFF) + (m - 0x100)
    total = (total & 0xFFFF) + (total >> 16)
    total = (total & 0xFFFF) + (total >> 16)
    sent = transmitted_packet.ipv4
    assert ((sent.ttl == l3.ttl - 1) & (sent.cksum == network_order(~total & 0xFFFF))
            & (sent.vihl == l3.vihl) & (sent.tos == l3.tos) & (sent.len == l3.len) & (sent.pid == l3.pid)
            & (sent.foff == l3.foff) & (sent.npid == l3.npid) & (sent.saddr == l3.saddr) & (sent.daddr == l3.daddr)
            & (transmitted_packet.ether.saddr == packet.ether.saddr) & (transmitted_packet.ether.daddr == packet.ether.daddr))
