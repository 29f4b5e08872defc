# nop: a frame with an Ethernet header (14 bytes) that arrives on device d leaves on device 1 - d, unchanged;
# a shorter frame is dropped. The frame's length decides; `[]` as the headers claims every byte leaves unchanged.
# An iteration of the stack that received no frame (`--layers full`) has no length: it sends nothing.
if not a_packet_received or packet_size < 14:
    return ([], [])
return ([1 - received_on_port], [])
