# An unknown source address is learned on the device it came from, if the table has room.
from state import dyn_emap, dyn_vals
EXPIRATION_TIME = 300 * 1000 * 1000 * 1000  # ns, config expiration_time
h = pop_header(ether, on_mismatch=([], []))
if EXPIRATION_TIME <= now:
    dyn_emap.expire_all(now - EXPIRATION_TIME)
if not dyn_emap.has(h.saddr) and not dyn_emap.full():
    dyn_emap.add(h.saddr, the_index_allocated, now)
    dyn_vals.set(the_index_allocated, DynamicValuec(received_on_port))
else:
    pass
