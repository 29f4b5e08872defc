# An inbound packet for an open port that does not come from that flow's remote end (address, port and protocol)
# is dropped and refreshes nothing: an outsider cannot inject packets into a flow it is not part of.
import flows
if received_on_port == EXT_DEVICE:
    index = port_flow()
    if index is not None and not from_remote_end(index):
        return ([], [])
pass
