# A frame never goes back out on the device it came in on.
assert not mem(received_on_port, sent_on_ports)
