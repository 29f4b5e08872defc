# IPv4 router, two devices (nfs/router/nf.json): forwarding by longest-prefix match over nf.json's routes table.
# Read against RFC 1812 (Requirements for IPv4 Routers) for the gaps:
# - 5.2.2, a datagram is checked before it is forwarded: version 4, a header of at least 5 words within the frame,
#   a total length within the frame, as here. A wrong header checksum and a total length below the header's are not
#   checked (NFS.md names neither): such a datagram is forwarded with its TTL decremented, and an invalid checksum
#   stays invalid (the always-checked checksum rule speaks only of valid ones).
# - 5.3.1 and 5.2.7.1, a datagram whose TTL would reach 0 or that has no route is dropped without the ICMP message
#   a router should send: no NF here originates frames.
# - 5.2.4, routing picks the next hop, not only the interface: the Ethernet header travels unchanged (NFS.md).
# Malformed datagrams and those without a route are dropped (drop_malformed, no_route_drop: l3 comes from there,
# included as text).
import no_route_drop
e = pop_header(ether, on_mismatch=([], []))
# Out on the longest matching prefix's device, one hop less; nothing else changes but the header checksum, which
# specs compare by validity (the verifier checks that a valid one stays valid: RFC 1624's update does that).
return ([routes.lookup(l3.daddr)], [ether(e), ipv4(l3, ttl=l3.ttl - 1, cksum=...)])
