# A well-formed datagram with a hop left goes out on the device of the longest prefix its destination lies in,
# when one does (RFC 1812 5.2.4.3).
import drop_malformed
from state import routes
# l3 comes from drop_malformed (included as text), which returned already for the datagrams it drops.
e = pop_header(ether, on_mismatch=([], []))
output = routes.lookup(l3.daddr)
if output != -1:
    return ([output], [ether(e), ...])
else:
    pass
