# nop: a frame with an Ethernet header (14 bytes) that arrives on device d leaves on device 1 - d, unchanged;
# a shorter frame is dropped. The NF reads no header byte (so the spec pops none): the frame's length decides.
if packet_size < 14:
    return ([], [])
return ([1 - received_on_port], [])
