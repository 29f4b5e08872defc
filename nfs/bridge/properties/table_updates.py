# The tables a frame leaves behind: stale entries expire, an unknown individual source is learned when there is
# room, a known one is refreshed, a group source is not learned (802.1D 7.8; it is with config
# learn_group_sources); the static table never changes.
from state import dyn_emap, dyn_vals, stat_emap
EXPIRATION_TIME = 300 * 1000 * 1000 * 1000  # ns, config expiration_time
h = pop_header(ether, on_mismatch=([], []))
dyn_emap.expire_all(now - EXPIRATION_TIME)
if learn_group_sources or not is_group(h.saddr):
    if dyn_emap.has(h.saddr):
        dyn_emap.refresh_idx(dyn_emap.get(h.saddr), now)
    elif not dyn_emap.full():
        dyn_emap.add(h.saddr, the_index_allocated, now)
        dyn_vals.set(the_index_allocated, DynamicValuec(received_on_port))
