# The MAC learner's full spec: age out, learn or refresh the source, forward to a known destination.
from state import macs, ports
MAX_AGE = 1000000000

h = pop_header(ether, on_mismatch=([], []))
macs.expire_all(now - MAX_AGE)
if macs.has(h.saddr):
    macs.refresh_idx(macs.get(h.saddr), now)
    ports.set(macs.get(h.saddr), portc(received_on_port))
elif not macs.full():
    macs.add(h.saddr, the_index_allocated, now)
    ports.set(the_index_allocated, portc(received_on_port))
if macs.has(h.daddr):
    out = ports.get(macs.get(h.daddr)).device
    if out == received_on_port:
        return ([], [])
    return ([out], [ether(h)])
return ([1 - received_on_port], [ether(h)])
