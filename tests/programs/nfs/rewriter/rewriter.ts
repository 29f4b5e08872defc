// Test NF: rewrites the whole frame in place and picks its output device from the time stamp. Every 700th call
// (the 350th, 1050th, ...) grows its memory by a page, which replaces the buffer that JavaScript views of the
// memory were made of.

let calls: i32 = 0;

export function nf_init(): void {}

export function nf_process(device: i32, packet: usize, length: i32, now: u64): i32 {
  if (++calls % 700 == 350) memory.grow(1);
  for (let at: i32 = 0; at < length; at++) store<u8>(packet + at, load<u8>(packet + at) ^ <u8>(at + device));
  return <i32>(now & 1);
}
