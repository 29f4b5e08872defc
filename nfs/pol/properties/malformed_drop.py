# Malformed IPv4 is dropped: not IPv4 version 4, a header shorter than 5 words or beyond the frame (pop_header's
# rules), or a total length (big-endian on the wire) larger than the frame holds after Ethernet.
l3 = pop_header(ipv4, on_mismatch=([], []))
l2 = pop_header(ether, on_mismatch=([], []))
if packet_size - 14 < ((l3.len & 0xff) << 8 | l3.len >> 8):
    return ([], [])
