// Differential-test program in AssemblyScript: the compiler's own choice of instructions for ordinary code.
const OUT = memory.data(512);

function mix(x: u32, y: u32): u32 {
  return rotl<u32>(x ^ y, 5) + (x >>> (y & 7)) * 0x9e3779b1;
}

function pick(k: i32, x: i64): i64 {
  switch (k & 7) {
    case 0: return x + 1;
    case 1: return x << 3;
    case 2: return x >> 2;
    case 3: return <i64>((<u64>x) >> 60);
    case 4: return x * x;
    default: return ~x;
  }
}

export function run(a: i32, b: i32, c: i64, d: i64): i64 {
  store<u32>(OUT, mix(a, b));
  store<i32>(OUT + 4, a < b ? a - b : b - a);
  store<u8>(OUT + 8, <u8>(a >> 3));
  store<u16>(OUT + 10, <u16>(b * 7));
  store<i64>(OUT + 16, pick(a, c));
  store<i64>(OUT + 24, rotr<i64>(c, d) ^ (d >>> 7));
  store<i32>(OUT + 32, clz<i32>(a) + ctz<i32>(b) * 64 + popcnt<i32>(a ^ b) * 4096);
  store<i64>(OUT + 40, clz<i64>(c) | (ctz<i64>(d) << 8) | (popcnt<i64>(c) << 16));
  store<i64>(OUT + 48, <i64>a * <i64>(b as u32));
  store<i16>(OUT + 56, <i16>load<i8>(OUT + 8) + load<u8>(OUT + 1));
  store<i64>(OUT + 64, load<i32>(OUT + 2) + load<u16>(OUT + 5) + <i64>load<i16>(OUT + 9));
  let acc: u32 = 0;
  for (let i = 0; i < (b & 3); i++) acc = acc * 31 + load<u8>(OUT + i);
  store<u32>(OUT + 72, acc);
  if (b != 0 && !(a == i32.MIN_VALUE && b == -1)) store<i32>(OUT + 76, a / b + a % b);
  if (d != 0) store<u64>(OUT + 80, <u64>c / <u64>d + <u64>c % <u64>d);
  memory.copy(OUT + 96, OUT, 24);
  memory.fill(OUT + 124, <u8>a, 4);
  return load<i64>(OUT + 16) + <i64>(a > 0 ? 1 : 0) + (c < d ? 2 : 0);
}
