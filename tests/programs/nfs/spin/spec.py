# spin: every frame that arrives on device d leaves on device 1 - d (when the NF returns at all).
if packet_size < 1:
    return ([], [])
return ([1 - received_on_port], [])
