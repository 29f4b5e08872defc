// DROP and FLOOD have one value in every language an NF is written in (nf-abi/c/nf.h agrees with
// nf-abi/outputs.ts, which AssemblyScript and TypeScript share), and results read the same everywhere.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DROP, FLOOD, outputName, specialOutput } from '../../nf-abi/index.ts';

test('nf-abi/c/nf.h defines DROP and FLOOD with the values of nf-abi/outputs.ts', () => {
  const header = readFileSync(new URL('../../nf-abi/c/nf.h', import.meta.url), 'utf8');
  const defined = (name: string): number => {
    const match = new RegExp(`#define ${name} \\((-?\\d+)\\)`).exec(header);
    assert.ok(match, `nf.h defines ${name}`);
    return Number(match[1]);
  };
  assert.equal(defined('DROP'), DROP);
  assert.equal(defined('FLOOD'), FLOOD);
  assert.notEqual(DROP, FLOOD);
});

test('a result reads DROP, FLOOD or the device, as an i32 or as the u32 the verifier holds', () => {
  assert.equal(outputName(DROP), 'DROP');
  assert.equal(outputName(0xffffffffn), 'DROP');
  assert.equal(outputName(FLOOD), 'FLOOD');
  assert.equal(outputName(0xfffffffen), 'FLOOD');
  assert.equal(outputName(1), 'device 1');
  assert.equal(specialOutput(0), null);
  assert.equal(specialOutput(-3), null);
});
