# Only well-formed, unfragmented IPv4 TCP/UDP without IPv4 options is translated: every other frame is
# dropped, and the flow table only ages. The other properties import this one: it binds t, ip4, eth and EXT_DEVICE.
from state import flow_emap
EXT_DEVICE = 1
TCP = 6
UDP = 17

# Session bindings end when idle for the expiration time (RFC 3022 2.6, 4.3), whatever the frame. (Early on
# the time is negative, before every time stamp: nothing expires.)
flow_emap.expire_all(now - expiration_time)

t = pop_header(tcpudp, on_mismatch=([], []))
ip4 = pop_header(ipv4, on_mismatch=([], []))
eth = pop_header(ether, on_mismatch=([], []))

# Field values are little-endian loads: the total length's bytes come swapped, and the fragment field's low
# byte holds the flags (0x20 More Fragments) and the top of the offset.
total_length = ((ip4.len & 0xff) << 8) | (ip4.len >> 8)
transport_header = 20 if ip4.npid == TCP else 8
if ip4.vihl != 0x45:
    return ([], [])  # IPv4 options: record route and timestamps carry addresses the NAT does not translate
if total_length > packet_size - 14:
    return ([], [])  # the IPv4 header claims more bytes than the frame holds
if ip4.foff & 0xff3f != 0:
    return ([], [])  # a fragment: only the first carries ports, and the NAT keeps no reassembly state
if total_length < 20 + transport_header:
    return ([], [])  # the segment is too short for its TCP or UDP header
pass
