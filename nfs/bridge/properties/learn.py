# An unknown individual source address is learned on the device it came from, if the table has room (802.1D 7.8;
# any source with config learn_group_sources).
from state import dyn_emap, dyn_vals
EXPIRATION_TIME = 300 * 1000 * 1000 * 1000  # ns, config expiration_time
h = pop_header(ether, on_mismatch=([], []))
dyn_emap.expire_all(now - EXPIRATION_TIME)
if (learn_group_sources or not is_group(h.saddr)) and not dyn_emap.has(h.saddr) and not dyn_emap.full():
    dyn_emap.add(h.saddr, the_index_allocated, now)
    dyn_vals.set(the_index_allocated, DynamicValuec(received_on_port))
else:
    pass
