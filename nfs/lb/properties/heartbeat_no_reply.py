# A heartbeat (a frame on a backend device) is never forwarded.
import balanced
if received_on_port != EXT_DEVICE:
    return ([], [])
pass
