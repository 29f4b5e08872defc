# nop: every frame that arrives on device d leaves on device 1 - d.
# The NF parses no header, so the spec pops none and claims the frame's devices only.
return ([1 - received_on_port], [])
