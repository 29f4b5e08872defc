# A frame for a destination that no rule and no learned entry knows is flooded, unchanged.
import table_updates
# h, dyn_emap and stat_emap come from table_updates (included as text).
if not stat_emap.has(StaticKeyc(h.daddr, received_on_port)) and not dyn_emap.has(h.daddr):
    return ([1 - received_on_port], [ether(h)])  # flood: every device but the input one
