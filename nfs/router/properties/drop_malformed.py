# Only well-formed IPv4 with a hop left is forwarded: a frame that is not IPv4, whose header is shorter than 5 words
# or reaches past the frame, whose total length reaches past the frame, or whose TTL is 0 or 1 is dropped
# (RFC 1812 5.2.2; 5.3.1: a router does not forward a datagram whose TTL would reach 0).

def network_order(word):
    """A 16-bit field's value (a little-endian load of its wire bytes) as the number on the wire, and back."""
    return ((word & 0xFF) << 8) | (word >> 8)

l3 = pop_header(ipv4, on_mismatch=([], []))
if network_order(l3.len) > packet_size - 14 or l3.ttl <= 1:
    return ([], [])
else:
    pass
