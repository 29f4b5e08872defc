# The flow a packet belongs to and how it leaves, for the other properties. It claims only what translatable
# does (every frame the NAT cannot translate is dropped); it binds t, ip4, eth, EXT_DEVICE, outbound_id and
# the functions below.
import translatable

# An outbound packet's flow: its 5-tuple as the internal side sees it, and the device it came from.
outbound_id = FlowIdc(t.src_port, t.dst_port, ip4.saddr, ip4.daddr, received_on_port, ip4.npid)


def port_flow():
    """The flow index an inbound packet's destination port names, if that index is allocated; else None."""
    index = t.dst_port - start_port
    return index if flow_emap.has_idx(index) else None


def from_remote_end(index):
    """Whether the packet comes from the remote end of the flow at `index`: same address, port and protocol."""
    flow = flow_emap.get_key(index)
    return flow.dip == ip4.saddr and flow.dp == t.src_port and flow.prot == ip4.npid


def reply_flow():
    """The index of the flow an inbound packet is a reply of (port_flow, from its remote end); else None."""
    index = port_flow()
    return index if index is not None and from_remote_end(index) else None


def sent_in(index):
    """A reply goes back to the flow's internal device, address and port (RFC 3022 4.2). Ethernet: the device's."""
    flow = flow_emap.get_key(index)
    return ([flow.idev], [ether(eth, saddr=..., daddr=...), ipv4(ip4, daddr=flow.sip), tcpudp(t, dst_port=flow.sp)])


def sent_out(index):
    """An outbound packet leaves on the external device from the external address and its flow's port."""
    return ([EXT_DEVICE], [ether(eth, saddr=..., daddr=...), ipv4(ip4, saddr=ext_ip), tcpudp(t, src_port=start_port + index)])


pass
