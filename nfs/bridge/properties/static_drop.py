# A static drop rule for (destination, input device) drops the frame, whatever was learned.
from state import stat_emap
DROP_RULE = -2
h = pop_header(ether, on_mismatch=([], []))
static_key = StaticKeyc(h.daddr, received_on_port)
if stat_emap.has(static_key) and stat_emap.get(static_key) == DROP_RULE:
    return ([], [])
else:
    pass
