# Traffic from the LAN is not policed: well-formed IPv4 goes to the WAN unchanged, whatever the buckets hold.
import malformed_drop
if received_on_port == 1:
    return ([0], [ether(l2), ipv4(l3)])
else:
    pass
