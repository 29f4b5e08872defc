# An external packet that is no reply to an open flow is dropped, and the table only ages.
import flows
if received_on_port == EXT_DEVICE and not flow_emap.has(reply_id):
    return ([], [])
pass
