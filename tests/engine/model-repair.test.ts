// Model repair (engine/solver/repair.ts): an equation a free word can be solved for (a sum of frame words equal to a
// constant) is answered without Z3 by the path's model with that word changed, and only when every constraint the
// query depends on still holds there; otherwise Z3 answers, sat with a model of everything or unsat.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { repairedModel } from '../../engine/solver/repair.ts';
import { Solver } from '../../engine/solver/z3.ts';
import { and, type Assignment, arrayVariable, binary, bv, compare, concat, emptyAssignment, eq, evaluate, extract, not, select, type Term, variable, zext } from '../../engine/solver/term.ts';

/** A little-endian 32-bit word of `frame` at `at`, as an NF's load<u32> reads it. */
function word(frame: Term, at: number): Term {
  const byte = (k: number) => select(frame, bv(at + k, 32));
  return concat(concat(concat(byte(3), byte(2)), byte(1)), byte(0));
}

const sum = (terms: Term[]): Term => terms.reduce((a, b) => binary('add', a, b));
const holdsAll = (terms: Term[], model: Assignment) => terms.every((t) => evaluate(t, model) === 1n);

describe('repairedModel', () => {
  test('a sum of option words equal to all ones: the first word is solved for, the others keep their values', () => {
    const frame = arrayVariable('repair-frame-1');
    const words = [34, 38, 42].map((at) => word(frame, at));
    const query = eq(sum(words), bv(0xffffffff, 32));
    const known: Assignment = { ...emptyAssignment(), arrays: new Map([['repair-frame-1', { entries: new Map([[38, 7], [42, 9]]), fallback: 0 }]]) };
    const repaired = repairedModel(query, known)!;
    assert.ok(repaired, 'solvable for a word of free bytes');
    assert.equal(evaluate(query, repaired), 1n);
    assert.equal(evaluate(words[1]!, repaired), 7n, 'the other words are as they were');
    assert.equal(evaluate(words[2]!, repaired), 9n);
    assert.equal(known.arrays.get('repair-frame-1')!.entries.has(34), false, 'the caller\'s model is not changed');
  });

  test('through subtraction, xor and zero extension, on either side, of a scalar', () => {
    const x = variable('repair-x', 16);
    const y = variable('repair-y', 32);
    const query = eq(bv(1000, 32), binary('sub', binary('xor', zext(x, 16), bv(0xff, 32)), y));
    const known: Assignment = { ...emptyAssignment(), scalars: new Map([['repair-y', 5n]]) };
    const repaired = repairedModel(query, known)!;
    assert.ok(repaired);
    assert.equal(evaluate(query, repaired), 1n);
  });

  test("a disequation through extraction: the extracted bits changed, the word's other bits kept", () => {
    const frame = arrayVariable('repair-frame-4');
    const ihl = extract(3, 0, select(frame, bv(14, 32)));
    const known: Assignment = { ...emptyAssignment(), arrays: new Map([['repair-frame-4', { entries: new Map([[14, 0x45]]), fallback: 0 }]]) };
    const repaired = repairedModel(not(eq(ihl, bv(5, 4))), known)!;
    assert.ok(repaired);
    assert.notEqual(evaluate(ihl, repaired), 5n);
    assert.equal(evaluate(extract(7, 4, select(frame, bv(14, 32))), repaired), 4n, 'the version nibble is as it was');
  });

  test('no repair for what it cannot invert: a product, an inequality, a target wider than the leaf', () => {
    const x = variable('repair-p', 32);
    assert.equal(repairedModel(eq(binary('mul', x, bv(3, 32)), bv(7, 32)), emptyAssignment()), null);
    assert.equal(repairedModel(compare('ult', x, bv(7, 32)), emptyAssignment()), null);
    assert.equal(repairedModel(eq(zext(variable('repair-b', 8), 24), bv(0x1ff, 32)), emptyAssignment()), null);
  });
});

describe('Solver.check with repair', () => {
  test('answers a free sum without Z3, with a model of the path and the query', async () => {
    const solver = await Solver.create();
    const frame = arrayVariable('repair-frame-2');
    const length = variable('repair-length', 32);
    const pathCondition = [compare('ule', bv(46, 32), length)];
    const query = eq(sum([34, 38, 42].map((at) => word(frame, at))), bv(0xffffffff, 32));
    const known: Assignment = { ...emptyAssignment(), scalars: new Map([['repair-length', 60n]]) };
    const answer = solver.check(pathCondition, query, known);
    assert.equal(answer.status, 'sat');
    assert.ok(holdsAll([...pathCondition, query], (answer as { model: Assignment }).model));
    assert.equal(solver.figures.queries, 0, 'no Z3 query');
    assert.equal(solver.figures.modelHits, 1);
  });

  test('a repair that breaks a path constraint on the same bytes is not taken: Z3 finds a model of both', async () => {
    const solver = await Solver.create();
    const frame = arrayVariable('repair-frame-3');
    const first = word(frame, 34);
    const pathCondition = [eq(select(frame, bv(34, 32)), bv(0x12, 8)), eq(select(frame, bv(35, 32)), bv(0x34, 8))];
    const query = eq(binary('add', first, word(frame, 38)), bv(0x11111111, 32));
    const known: Assignment = { ...emptyAssignment(), arrays: new Map([['repair-frame-3', { entries: new Map([[34, 0x12], [35, 0x34]]), fallback: 0 }]]) };
    const answer = solver.check(pathCondition, query, known);
    assert.equal(answer.status, 'sat');
    assert.ok(holdsAll([...pathCondition, query], (answer as { model: Assignment }).model), 'the model keeps the path\'s bytes');
    assert.equal(solver.figures.queries, 1, 'Z3 answered');
  });

  test('a disequation the path leaves free is answered without Z3; one the path decides goes to Z3, which says unsat', async () => {
    const solver = await Solver.create();
    const frame = arrayVariable('repair-frame-5');
    const type = concat(select(frame, bv(12, 32)), select(frame, bv(13, 32)));
    const ihl = extract(3, 0, select(frame, bv(14, 32)));
    const known: Assignment = { ...emptyAssignment(), arrays: new Map([['repair-frame-5', { entries: new Map([[12, 0x86], [13, 0xdd], [14, 0x45]]), fallback: 0 }]]) };
    // Not IPv4: the IHL may be anything.
    const notIpv4 = [not(eq(type, bv(0x0800, 16)))];
    const free = solver.check(notIpv4, not(eq(ihl, bv(5, 4))), known);
    assert.equal(free.status, 'sat');
    assert.ok(holdsAll([...notIpv4, not(eq(ihl, bv(5, 4)))], (free as { model: Assignment }).model));
    assert.deepEqual([solver.figures.queries, solver.figures.modelHits], [0, 1], 'no Z3 query');
    // An NF that accepts an IHL of 5 only: no other value is possible on its path.
    const fixed = [eq(ihl, bv(5, 4))];
    assert.equal(solver.check(fixed, not(eq(ihl, bv(5, 4))), known).status, 'unsat');
    assert.equal(solver.figures.queries, 1, 'Z3 answered');
  });

  test('an unsatisfiable sum stays unsatisfiable: the repaired model breaks the path, and Z3 says unsat', async () => {
    const solver = await Solver.create();
    const [a, b] = [variable('repair-a', 32), variable('repair-b2', 32)];
    const pathCondition = [eq(a, bv(5, 32)), eq(b, bv(7, 32))];
    const known: Assignment = { ...emptyAssignment(), scalars: new Map([['repair-a', 5n], ['repair-b2', 7n]]) };
    assert.equal(solver.check(pathCondition, eq(binary('add', a, b), bv(13, 32)), known).status, 'unsat');
    assert.equal(solver.check(pathCondition, and(eq(binary('add', a, b), bv(12, 32)), not(eq(a, b))), known).status, 'sat');
  });
});
