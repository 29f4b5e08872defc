# A frame to the broadcast address ff:ff:ff:ff:ff:ff is flooded, unchanged: no station is ever learned there, as
# only individual source addresses are (802.1D 7.8; it fails with config learn_group_sources). So is a frame for
# a destination that no rule and no learned entry knows.
import table_updates
# h, dyn_emap and stat_emap come from table_updates (included as text).
if is_broadcast(h.daddr) or (not stat_emap.has(StaticKeyc(h.daddr, received_on_port)) and not dyn_emap.has(h.daddr)):
    return ([1 - received_on_port], [ether(h)])  # flood: every device but the input one
