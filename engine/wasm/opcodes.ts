// Opcode names and immediate shapes. Prefixed (0xFC) opcodes are numbered 0xFC00 + sub-opcode.

export type Immediate =
  | 'none' | 'block' | 'label' | 'labels' | 'func' | 'call_indirect' | 'index' | 'memarg' | 'byte'
  | 'i32' | 'i64' | 'f32' | 'f64' | 'select_types' | 'two_indices' | 'ref_type';

const entries: [number, string, Immediate][] = [
  [0x00, 'unreachable', 'none'], [0x01, 'nop', 'none'], [0x02, 'block', 'block'], [0x03, 'loop', 'block'],
  [0x04, 'if', 'block'], [0x05, 'else', 'none'], [0x0b, 'end', 'none'], [0x0c, 'br', 'label'],
  [0x0d, 'br_if', 'label'], [0x0e, 'br_table', 'labels'], [0x0f, 'return', 'none'], [0x10, 'call', 'func'],
  [0x11, 'call_indirect', 'call_indirect'], [0x1a, 'drop', 'none'], [0x1b, 'select', 'none'],
  [0x1c, 'select', 'select_types'], [0x20, 'local.get', 'index'], [0x21, 'local.set', 'index'],
  [0x22, 'local.tee', 'index'], [0x23, 'global.get', 'index'], [0x24, 'global.set', 'index'],
  [0x25, 'table.get', 'index'], [0x26, 'table.set', 'index'],
  [0x28, 'i32.load', 'memarg'], [0x29, 'i64.load', 'memarg'], [0x2a, 'f32.load', 'memarg'],
  [0x2b, 'f64.load', 'memarg'], [0x2c, 'i32.load8_s', 'memarg'], [0x2d, 'i32.load8_u', 'memarg'],
  [0x2e, 'i32.load16_s', 'memarg'], [0x2f, 'i32.load16_u', 'memarg'], [0x30, 'i64.load8_s', 'memarg'],
  [0x31, 'i64.load8_u', 'memarg'], [0x32, 'i64.load16_s', 'memarg'], [0x33, 'i64.load16_u', 'memarg'],
  [0x34, 'i64.load32_s', 'memarg'], [0x35, 'i64.load32_u', 'memarg'], [0x36, 'i32.store', 'memarg'],
  [0x37, 'i64.store', 'memarg'], [0x38, 'f32.store', 'memarg'], [0x39, 'f64.store', 'memarg'],
  [0x3a, 'i32.store8', 'memarg'], [0x3b, 'i32.store16', 'memarg'], [0x3c, 'i64.store8', 'memarg'],
  [0x3d, 'i64.store16', 'memarg'], [0x3e, 'i64.store32', 'memarg'], [0x3f, 'memory.size', 'byte'],
  [0x40, 'memory.grow', 'byte'], [0x41, 'i32.const', 'i32'], [0x42, 'i64.const', 'i64'],
  [0x43, 'f32.const', 'f32'], [0x44, 'f64.const', 'f64'],
  [0xd0, 'ref.null', 'ref_type'], [0xd1, 'ref.is_null', 'none'], [0xd2, 'ref.func', 'func'],
];

const plain = [
  // 0x45 .. 0xc4: numeric instructions without immediates, in opcode order.
  'i32.eqz', 'i32.eq', 'i32.ne', 'i32.lt_s', 'i32.lt_u', 'i32.gt_s', 'i32.gt_u', 'i32.le_s', 'i32.le_u',
  'i32.ge_s', 'i32.ge_u', 'i64.eqz', 'i64.eq', 'i64.ne', 'i64.lt_s', 'i64.lt_u', 'i64.gt_s', 'i64.gt_u',
  'i64.le_s', 'i64.le_u', 'i64.ge_s', 'i64.ge_u', 'f32.eq', 'f32.ne', 'f32.lt', 'f32.gt', 'f32.le', 'f32.ge',
  'f64.eq', 'f64.ne', 'f64.lt', 'f64.gt', 'f64.le', 'f64.ge', 'i32.clz', 'i32.ctz', 'i32.popcnt', 'i32.add',
  'i32.sub', 'i32.mul', 'i32.div_s', 'i32.div_u', 'i32.rem_s', 'i32.rem_u', 'i32.and', 'i32.or', 'i32.xor',
  'i32.shl', 'i32.shr_s', 'i32.shr_u', 'i32.rotl', 'i32.rotr', 'i64.clz', 'i64.ctz', 'i64.popcnt', 'i64.add',
  'i64.sub', 'i64.mul', 'i64.div_s', 'i64.div_u', 'i64.rem_s', 'i64.rem_u', 'i64.and', 'i64.or', 'i64.xor',
  'i64.shl', 'i64.shr_s', 'i64.shr_u', 'i64.rotl', 'i64.rotr', 'f32.abs', 'f32.neg', 'f32.ceil', 'f32.floor',
  'f32.trunc', 'f32.nearest', 'f32.sqrt', 'f32.add', 'f32.sub', 'f32.mul', 'f32.div', 'f32.min', 'f32.max',
  'f32.copysign', 'f64.abs', 'f64.neg', 'f64.ceil', 'f64.floor', 'f64.trunc', 'f64.nearest', 'f64.sqrt',
  'f64.add', 'f64.sub', 'f64.mul', 'f64.div', 'f64.min', 'f64.max', 'f64.copysign', 'i32.wrap_i64',
  'i32.trunc_f32_s', 'i32.trunc_f32_u', 'i32.trunc_f64_s', 'i32.trunc_f64_u', 'i64.extend_i32_s',
  'i64.extend_i32_u', 'i64.trunc_f32_s', 'i64.trunc_f32_u', 'i64.trunc_f64_s', 'i64.trunc_f64_u',
  'f32.convert_i32_s', 'f32.convert_i32_u', 'f32.convert_i64_s', 'f32.convert_i64_u', 'f32.demote_f64',
  'f64.convert_i32_s', 'f64.convert_i32_u', 'f64.convert_i64_s', 'f64.convert_i64_u', 'f64.promote_f32',
  'i32.reinterpret_f32', 'i64.reinterpret_f64', 'f32.reinterpret_i32', 'f64.reinterpret_i64',
  'i32.extend8_s', 'i32.extend16_s', 'i64.extend8_s', 'i64.extend16_s', 'i64.extend32_s',
];
plain.forEach((name, i) => entries.push([0x45 + i, name, 'none']));

const prefixed: [number, string, Immediate][] = [
  [0, 'i32.trunc_sat_f32_s', 'none'], [1, 'i32.trunc_sat_f32_u', 'none'], [2, 'i32.trunc_sat_f64_s', 'none'],
  [3, 'i32.trunc_sat_f64_u', 'none'], [4, 'i64.trunc_sat_f32_s', 'none'], [5, 'i64.trunc_sat_f32_u', 'none'],
  [6, 'i64.trunc_sat_f64_s', 'none'], [7, 'i64.trunc_sat_f64_u', 'none'], [8, 'memory.init', 'two_indices'],
  [9, 'data.drop', 'index'], [10, 'memory.copy', 'two_indices'], [11, 'memory.fill', 'byte'],
  [12, 'table.init', 'two_indices'], [13, 'elem.drop', 'index'], [14, 'table.copy', 'two_indices'],
  [15, 'table.grow', 'index'], [16, 'table.size', 'index'], [17, 'table.fill', 'index'],
];
for (const [sub, name, imm] of prefixed) entries.push([0xfc00 + sub, name, imm]);

export const OPCODES = new Map<number, { name: string; immediate: Immediate }>(entries.map(([code, name, immediate]) => [code, { name, immediate }]));

/** Opcode number by name, for the interpreter's dispatch. */
export const OP = Object.fromEntries(entries.map(([code, name, imm]) => [imm === 'select_types' ? 'select_t' : name, code])) as Record<string, number>;
