# A frame too short for an Ethernet header is dropped.
if packet_size < 14:
    return ([], [])
