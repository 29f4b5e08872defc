# A heartbeat from an unknown backend registers it, with its device, source MAC and source IP, stamped now, when
# the backend table has room.
from state import backend_ip_emap, backends
import balanced
if received_on_port != EXT_DEVICE and not backend_ip_emap.has(backend_ip) and not backend_ip_emap.full():
    backend_ip_emap.add(backend_ip, the_index_allocated, now)
    backends.set(the_index_allocated, LoadBalancedBackendc(received_on_port, eth.saddr, ip4.saddr))
else:
    pass
