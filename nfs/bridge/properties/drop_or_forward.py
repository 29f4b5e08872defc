# A frame is dropped when its destination sits behind the input device (or a static rule says
# drop); otherwise it goes out unchanged.
import table_updates
DROP_RULE = -2
static_key = StaticKeyc(h.daddr, received_on_port)
if stat_emap.has(static_key):
    if stat_emap.get(static_key) == DROP_RULE or stat_emap.get(static_key) == received_on_port:
        return ([], [])
elif dyn_emap.has(h.daddr) and dyn_vals.get(dyn_emap.get(h.daddr)).output_port == received_on_port:
    return ([], [])
return ([...], [ether(h)])
