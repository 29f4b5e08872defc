# The tables a frame leaves behind: stale entries expire, an unknown source is learned when there
# is room, a known source is refreshed; the static table never changes.
from state import dyn_emap, dyn_vals, stat_emap
EXPIRATION_TIME = 300 * 1000 * 1000 * 1000  # ns, config expiration_time
h = pop_header(ether, on_mismatch=([], []))
if EXPIRATION_TIME <= now:
    dyn_emap.expire_all(now - EXPIRATION_TIME)
if dyn_emap.has(h.saddr):
    dyn_emap.refresh_idx(dyn_emap.get(h.saddr), now)
elif not dyn_emap.full():
    dyn_emap.add(h.saddr, the_index_allocated, now)
    dyn_vals.set(the_index_allocated, DynamicValuec(received_on_port))
