# A datagram whose destination lies in no prefix of the routing table is dropped (RFC 1812 5.2.7.1, without the
# ICMP message).
import drop_malformed
from state import routes
# l3 comes from drop_malformed (included as text).
if routes.lookup(l3.daddr) == -1:
    return ([], [])
else:
    pass
