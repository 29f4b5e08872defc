// Deliberately faulty test NF: frames shorter than 14 bytes are read past their end.
export function nf_init(): void {}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  if (load<u16>(packet + 12) == 0x0008) return 1 - device;
  return -1;
}
