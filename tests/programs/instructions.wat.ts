// A WebAssembly text program that uses every integer instruction the engine supports, generated from op lists
// so none can be forgotten. Every function has the signature (a: i32, b: i32, c: i64, d: i64) -> i64 and writes
// its intermediate results to memory at OUT and above.
export const OUT = 65536;

const I32_BINARY = ['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const COMPARE = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const UNARY = ['clz', 'ctz', 'popcnt', 'eqz'];
const DIVISION = ['div_s', 'div_u', 'rem_s', 'rem_u'];

function storeAll(type: 'i32' | 'i64', exprs: string[], base: number): string {
  const size = type === 'i32' ? 4 : 8;
  const resultType = (e: string) => (/^\((i32|i64)\.(eq|ne|eqz|[lg][te]_[su]) /.test(e) ? 'i32' : type);
  return exprs.map((e, i) => `    (${resultType(e)}.store offset=${base + i * size} (i32.const 0) ${e})`).join('\n');
}

function arithmetic(type: 'i32' | 'i64', x: string, y: string, base: number): string {
  const binary = I32_BINARY.map((op) => `(${type}.${op} ${x} ${y})`);
  const compare = COMPARE.map((op) => `(${type}.${op} ${x} ${y})`);
  const unary = UNARY.map((op) => `(${type}.${op} ${x})`);
  // Shifts by amounts beyond the width exercise the modulo rule.
  const shifts = ['shl', 'shr_s', 'shr_u', 'rotl', 'rotr'].map((op) => `(${type}.${op} ${x} (${type}.add ${y} (${type}.const ${type === 'i32' ? 32 : 64})))`);
  return storeAll(type, [...binary, ...compare, ...unary, ...shifts], base);
}

const header = '(param $a i32) (param $b i32) (param $c i64) (param $d i64) (result i64)';
const A = '(local.get $a)';
const B = '(local.get $b)';
const C = '(local.get $c)';
const D = '(local.get $d)';

export const INSTRUCTIONS_WAT = `(module
  (memory (export "memory") 2)
  (global $g (mut i32) (i32.const 7))
  (global $h (mut i64) (i64.const 9))
  (type $binary32 (func (param i32 i32) (result i32)))
  (table 3 funcref)
  (elem (i32.const 0) $plus $minus $times)
  (func $plus (type $binary32) (i32.add (local.get 0) (local.get 1)))
  (func $minus (type $binary32) (i32.sub (local.get 0) (local.get 1)))
  (func $times (type $binary32) (i32.mul (local.get 0) (local.get 1)))

  (func (export "arith32") ${header}
${arithmetic('i32', A, B, OUT)}
    (i64.const 0))

  (func (export "arith64") ${header}
${arithmetic('i64', C, D, OUT)}
    (i64.const 0))

  (func (export "division") ${header}
${storeAll('i32', DIVISION.map((op) => `(i32.${op} ${A} ${B})`), OUT)}
${storeAll('i64', DIVISION.map((op) => `(i64.${op} ${C} ${D})`), OUT + 64)}
    (i64.const 0))

  (func (export "conversions") ${header}
${storeAll('i64', ['(i64.extend_i32_s (local.get $a))', '(i64.extend_i32_u (local.get $a))', '(i64.extend8_s (local.get $c))', '(i64.extend16_s (local.get $c))', '(i64.extend32_s (local.get $c))'], OUT)}
${storeAll('i32', ['(i32.wrap_i64 (local.get $c))', '(i32.extend8_s (local.get $a))', '(i32.extend16_s (local.get $a))'], OUT + 64)}
    (i64.const 0))

  (func (export "loads_stores") ${header}
    ;; every store width at unaligned addresses, then every load width and extension over them
    (i32.store offset=${OUT + 1} (i32.const 0) ${A})
    (i32.store8 offset=${OUT + 6} (i32.const 0) ${B})
    (i32.store16 offset=${OUT + 7} (i32.const 0) ${B})
    (i64.store offset=${OUT + 9} (i32.const 0) ${C})
    (i64.store8 offset=${OUT + 17} (i32.const 0) ${D})
    (i64.store16 offset=${OUT + 18} (i32.const 0) ${D})
    (i64.store32 offset=${OUT + 20} (i32.const 0) ${D})
${storeAll('i32', ['i32.load', 'i32.load8_s', 'i32.load8_u', 'i32.load16_s', 'i32.load16_u'].flatMap((op) => [3, 6, 10].map((at) => `(${op} offset=${OUT + at} (i32.const 0))`)), OUT + 64)}
${storeAll('i64', ['i64.load', 'i64.load8_s', 'i64.load8_u', 'i64.load16_s', 'i64.load16_u', 'i64.load32_s', 'i64.load32_u'].flatMap((op) => [5, 13, 18].map((at) => `(${op} offset=${OUT + at} (i32.const 0))`)), OUT + 128)}
    ;; a symbolic address within a small range of memory
    (i32.store8 offset=${OUT + 400} (i32.and ${A} (i32.const 15)) ${B})
    (i32.store offset=${OUT + 420} (i32.const 0) (i32.load8_u offset=${OUT + 400} (i32.and ${B} (i32.const 15))))
    ;; bulk memory: fill, then an overlapping copy
    (memory.fill (i32.const ${OUT + 440}) ${A} (i32.const 8))
    (memory.copy (i32.const ${OUT + 444}) (i32.const ${OUT + 1}) (i32.const 12))
    (i32.store offset=${OUT + 460} (i32.const 0) (memory.size))
    (i32.store offset=${OUT + 464} (i32.const 0) (memory.grow (i32.const 1)))
    (i32.store offset=${OUT + 468} (i32.const 0) (memory.size))
    (i64.load offset=${OUT + 9} (i32.const 0)))

  (func (export "control") ${header} (local $i i32) (local $acc i32)
    (global.set $g (i32.add (global.get $g) ${A}))
    (global.set $h (i64.mul (global.get $h) ${C}))
    (i32.store offset=${OUT} (i32.const 0) (global.get $g))
    (i64.store offset=${OUT + 8} (i32.const 0) (global.get $h))
    ;; select and if/else on symbolic conditions
    (i32.store offset=${OUT + 16} (i32.const 0) (select ${A} ${B} (i32.lt_u ${A} ${B})))
    (i64.store offset=${OUT + 24} (i32.const 0) (select ${C} ${D} (i32.and ${B} (i32.const 1))))
    (if (i32.gt_s ${A} (i32.const 100))
      (then (i32.store offset=${OUT + 32} (i32.const 0) (i32.const 1)))
      (else (i32.store offset=${OUT + 32} (i32.const 0) (i32.const 2))))
    ;; a loop with a symbolic trip count (0..7): counts down, accumulating
    (local.set $i (i32.and ${B} (i32.const 7)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $i)))
        (local.set $acc (i32.add (local.get $acc) (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
        (br $next)))
    (i32.store offset=${OUT + 36} (i32.const 0) (local.get $acc))
    ;; br_table on a symbolic index, with a default
    (block $three (block $two (block $one (block $zero
      (br_table $zero $one $two $three (i32.and ${A} (i32.const 3))))
      (i32.store offset=${OUT + 40} (i32.const 0) (i32.const 10)) (br $three))
      (i32.store offset=${OUT + 40} (i32.const 0) (i32.const 11)) (br $three))
      (i32.store offset=${OUT + 40} (i32.const 0) (i32.const 12)))
    ;; direct and indirect calls (a symbolic table slot, one of which is out of range and traps)
    (i32.store offset=${OUT + 44} (i32.const 0) (call $plus ${A} ${B}))
    (i32.store offset=${OUT + 48} (i32.const 0) (call_indirect (type $binary32) ${A} ${B} (i32.and (local.get $b) (i32.const 3))))
    (drop ${C})
    (nop)
    (if (i32.eq ${A} (i32.const 0xdead)) (then (unreachable)))
    (if (i32.eq ${A} (i32.const 0xbeef)) (then (return (i64.const 42))))
    (i64.extend_i32_u (local.get $acc)))
)`;
