// Deliberately faulty test NF: a countdown by two from the frame's first byte, which never ends when it is odd.
export function nf_init(): void {}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  if (length < 1) return -1;
  let n = load<u8>(packet);
  while (n != 0) n -= 2;
  return 1 - device;
}
