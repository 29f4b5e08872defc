# The tokens in a known WAN destination's bucket when a frame arrives: rate bytes a second since the bucket was
# stamped, exactly, up to burst (a stamp after now, which no packet leaves, gives nothing). Idle buckets expire first;
# the destination's entry is stamped now. Claims nothing itself: drop_excess and forward_compliant build on it.
import malformed_drop
WAN = 0
LAN = 1
flow_emap.expire_all(now - expiration_time)
if received_on_port == WAN and flow_emap.has(l3.daddr):
    i = flow_emap.get(l3.daddr)
    flow_emap.refresh_idx(i, now)
    b = dyn_vals.get(i)
    tokens = b.bucket_size
    if b.bucket_time < now:
        tokens = tokens + (now - b.bucket_time) * rate // 1000000000
    if tokens > burst:
        tokens = burst
