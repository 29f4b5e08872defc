# NAT: Traditional NAT with port translation (NAPT, RFC 3022 3.2), two devices: 1 is the external realm,
# 0 the private one (nfs/nat/nf.json). One external address, ext_ip; the flow at index i of flow_emap owns the
# external port start_port + i. Config values are globals: capacity, expiration_time, ext_ip, start_port.
#
# RFC 3022 leaves open whether any outbound packet may start a session (2.5 names TCP SYN as a session's
# start): here every outbound TCP/UDP packet opens one when the table has room. Only IPv4 TCP and UDP are
# translated (no ICMP, no ALGs, 5.2-5.3); frames the NAT cannot translate are dropped (translatable.py, which
# flows.py imports: it also says how translated packets leave, sent_in and sent_out).
#
# Checksums (5.1: adjusted, not recomputed) are compared by validity, not by value: sent_out's
# `ipv4(ip4, saddr=ext_ip)` does not claim that ipv4.cksum keeps its value, nor does the payload claim it for
# the TCP/UDP checksum. The engine proves instead that a frame whose checksums were valid leaves with valid
# ones (a UDP checksum of 0, "none", stays 0). Ethernet addresses are the output device's (nf.json
# "ether_addresses"): any here.
import flows

if received_on_port == EXT_DEVICE:
    # Inbound (4.2): the destination port names the flow; only its remote end may use it, with the same
    # protocol, else anyone could send packets into the private realm through an open port.
    index = reply_flow()
    if index is None:
        return ([], [])
    flow_emap.refresh_idx(index, now)
    return sent_in(index)

# Outbound (4.1 address binding, 4.2 translation): a known session is refreshed, a new one bound to a free
# index if there is room.
if flow_emap.has(outbound_id):
    index = flow_emap.get(outbound_id)
    flow_emap.refresh_idx(index, now)
elif flow_emap.full():
    return ([], [])  # no port left to bind
else:
    index = the_index_allocated
    flow_emap.add(outbound_id, index, now)
return sent_out(index)
