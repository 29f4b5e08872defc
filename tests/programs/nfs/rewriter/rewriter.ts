// Test NF: rewrites the whole frame in place and picks its output device from the time stamp.

export function nf_init(): void {}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  for (let at: i32 = 0; at < length; at++) store<u8>(packet + at, load<u8>(packet + at) ^ <u8>(at + device));
  return <i32>(now & 1);
}
