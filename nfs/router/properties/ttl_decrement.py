# A forwarded datagram leaves with its TTL one less (RFC 1812 5.3.1); everything else in the frame is as it came,
# but the header checksum, which specs compare by validity: the verifier checks of every NF that a valid checksum
# stays valid (RFC 1624's incremental update does that).
import drop_malformed
# l3 comes from drop_malformed (included as text).
e = pop_header(ether, on_mismatch=([], []))
if sent_on_ports:
    return ([...], [ether(e), ipv4(l3, ttl=l3.ttl - 1, cksum=...)])
else:
    pass
