# An inbound packet for a port no flow owns is dropped, and the table only ages.
import flows
if received_on_port == EXT_DEVICE and port_flow() is None:
    return ([], [])
pass
