# A reply from a flow's remote end goes back to the flow's internal device, addressed to its internal address
# and port, and refreshes the flow.
import flows
if received_on_port == EXT_DEVICE:
    index = reply_flow()
    if index is not None:
        flow_emap.refresh_idx(index, now)
        return sent_in(index)
pass
