# A known source address gets its time stamp renewed, so an active station never expires.
from state import dyn_emap
EXPIRATION_TIME = 300 * 1000 * 1000 * 1000  # ns, config expiration_time
h = pop_header(ether, on_mismatch=([], []))
dyn_emap.expire_all(now - EXPIRATION_TIME)
if dyn_emap.has(h.saddr):
    dyn_emap.refresh_idx(dyn_emap.get(h.saddr), now)
else:
    pass
