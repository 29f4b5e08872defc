# An inbound packet never opens a flow: at most it refreshes the flow it replies to.
import flows
if received_on_port == EXT_DEVICE:
    index = reply_flow()
    if index is not None:
        flow_emap.refresh_idx(index, now)
else:
    pass
