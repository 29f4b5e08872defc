# A heartbeat from a known backend keeps it alive (stamped now) and changes nothing else of the backend table.
from state import backend_ip_emap
import balanced
if received_on_port != EXT_DEVICE and backend_ip_emap.has(backend_ip):
    backend_ip_emap.refresh_idx(backend_ip_emap.get(backend_ip), now)
else:
    pass
