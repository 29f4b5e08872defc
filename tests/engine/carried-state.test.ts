// State kept outside libVig and outputs that are no device: seeded in variants of the bridge (AssemblyScript) and of
// a small C NF, each is rejected with the right kind, place and lines; equivalent variants whose globals and
// static buffers are written before they are read, and the NFs as they are, give no violation.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNf, type NfBuild, type Variant } from '../../toolchain/build.ts';
import { exploreNf, inputFromModel, type NfExploration } from '../../engine/nf/explore-nf.ts';
import type { Violation } from '../../engine/symbex/violations.ts';
import { replayViolation } from '../../engine/session/replay.ts';
import { loadTraces, saveTraces } from '../../engine/session/trace-cache.ts';
import { loadNf } from '../../libvig/index.ts';
import { unlessInstalled } from '../tools.ts';

const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));
const FORWARDER = fileURLToPath(new URL('../programs/nfs/forwarder', import.meta.url));

async function explore(dir: string, variant?: Variant): Promise<{ build: NfBuild; run: NfExploration }> {
  const build = await buildNf(dir, variant ? { variant } : {});
  return { build, run: await exploreNf(build) };
}

/** `file:line` of the line holding `marker` in the variant's patched source, as violations locate it. */
function lineOf(dir: string, variant: Variant, marker: string): string {
  let text = readFileSync(`${dir}/bridge.ts`, 'utf8');
  for (const { find, replace } of variant.patches) text = text.replace(find, replace);
  const line = text.split('\n').findIndex((l) => l.includes(marker));
  assert.ok(line >= 0, marker);
  return `.variant-${variant.name}.ts:${line + 1}`;
}

function only(run: NfExploration, kind: Violation['kind']): Violation[] {
  const found = run.violations.filter((v) => v.kind === kind);
  assert.ok(found.length > 0, `a violation of kind ${kind} (got ${run.violations.map((v) => v.kind).join(', ') || 'none'})`);
  assert.deepEqual(run.violations.filter((v) => v.kind !== kind), [], 'no other violation');
  return found;
}

/** The violation's input, replayed on the run-time NF (state seeded from the model), shows its evidence. */
function replays(run: NfExploration, violation: Violation): void {
  const replay = replayViolation(run, violation);
  assert.ok(replay.reproduced, `${violation.message}: ${replay.observed}`);
}

const LEARN = ' learn(device, packet + ETHER_SADDR, now);\n';

/** A bridge variant that counts frames in a place it declares after `declaration.after` and floods from the fourth on. */
function counting(name: string, declaration: { after: string; line: string }, read: string, write: string): Variant {
  return {
    name,
    patches: [
      { find: declaration.after, replace: `${declaration.after}\n${declaration.line}` },
      { find: LEARN, replace: `${LEARN}  const seen = ${read};\n  ${write};\n  if (seen >= 3) return FLOOD;\n` },
    ],
  };
}

/** A counting variant's only violation: state, located at the writing line, naming the reading line; its replay shows the change. */
async function countedPlace(variant: Variant): Promise<Violation> {
  const { run } = await explore(BRIDGE, variant);
  const [violation, ...others] = only(run, 'state');
  assert.equal(others.length, 0, 'one place');
  const written = lineOf(BRIDGE, variant, 'seen + 1');
  assert.ok(violation!.location.endsWith(written), violation!.location);
  assert.match(violation!.message, new RegExp(`(is|are) written at \\S*${written} and read at \\S*${lineOf(BRIDGE, variant, 'const seen = ')} before`));
  replays(run, violation!);
  return violation!;
}

describe('state kept outside libVig', () => {
  test('the bridge and nop as they are keep no state and return only DROP, FLOOD or a device', async () => {
    for (const dir of [BRIDGE, fileURLToPath(new URL('../../nfs/nop', import.meta.url))]) assert.deepEqual((await explore(dir)).run.violations, [], dir);
  });

  test('a packet counter in a global (flood from the fourth packet on) is state: the global, its writing and reading lines', async () => {
    const violation = await countedPlace(counting('counter', { after: 'let statVals: i32 = -1;', line: 'let packets: i32 = 0;' }, 'packets', 'packets = seen + 1'));
    const evidence = violation.evidence;
    assert.ok(evidence?.kind === 'changes' && 'global' in evidence.place, JSON.stringify(evidence));
    assert.match(violation.message, new RegExp(`^nf_process keeps state outside libVig: global (\`packets\`|${evidence.place.global} .*) is written at .* before any write in the same packet; move it into a libVig object \\(a vector\\) or write it before reading it$`));
  });

  test('a one-entry "last hop" cache in static memory that outlives expiry is state: its bytes, writing and reading lines', async () => {
    const variant: Variant = {
      name: 'last-hop',
      patches: [
        { find: 'const staticValue = memory.data(STATIC_VALUE_SIZE);', replace: 'const staticValue = memory.data(STATIC_VALUE_SIZE);\nconst lastHop = memory.data(8);' },
        {
          find: '  const learned = emap_get(dynEmap, packet + ETHER_DADDR);',
          replace: '  if (load<u32>(lastHop) == load<u32>(packet) && load<u16>(lastHop + 4) == load<u16>(packet + 4)) return <i32>load<u16>(lastHop + 6);\n  const learned = emap_get(dynEmap, packet + ETHER_DADDR);',
        },
        {
          find: '    const output = <i32>load<u16>(dynamicValue);',
          replace: '    const output = <i32>load<u16>(dynamicValue);\n    store<u32>(lastHop, load<u32>(packet));\n    store<u16>(lastHop + 4, load<u16>(packet + 4));\n    store<u16>(lastHop + 6, <u16>output);',
        },
      ],
    };
    const { run } = await explore(BRIDGE, variant);
    const violations = only(run, 'state');
    const read = lineOf(BRIDGE, variant, 'if (load<u32>(lastHop)');
    const writes = ['store<u32>(lastHop', 'store<u16>(lastHop + 4', 'store<u16>(lastHop + 6'].map((marker) => lineOf(BRIDGE, variant, marker));
    const covered = new Set<number>();
    for (const violation of violations) {
      const evidence = violation.evidence;
      assert.ok(evidence?.kind === 'changes' && 'address' in evidence.place, JSON.stringify(evidence));
      for (let i = 0; i < evidence.place.bytes; i++) covered.add(evidence.place.address + i);
      assert.ok(writes.some((line) => violation.location.endsWith(line)), violation.location);
      assert.match(violation.message, new RegExp(`^nf_process keeps state outside libVig: (memory byte ${evidence.place.address} is|memory bytes ${evidence.place.address}\\S* are) written at \\S*\\.ts:\\d+ and read at \\S*${read} before any write`));
      replays(run, violation);
    }
    const addresses = [...covered].sort((a, b) => a - b);
    assert.deepEqual(addresses, Array.from({ length: 8 }, (_, i) => addresses[0]! + i), 'the cache\'s 8 bytes, in one place');
    assert.equal(violations.length, 1);
  });

  test('a count per input device, at a computed address, is state: both bytes it may reach', async () => {
    const frames = { after: 'const staticValue = memory.data(STATIC_VALUE_SIZE);', line: 'const frames = memory.data(2);' };
    const violation = await countedPlace(counting('per-device', frames, 'load<u8>(frames + (device & 1))', 'store<u8>(frames + (device & 1), seen + 1)'));
    const evidence = violation.evidence;
    assert.ok(evidence?.kind === 'changes' && 'address' in evidence.place && evidence.place.bytes === 2, JSON.stringify(evidence));
    assert.match(violation.message, new RegExp(`^nf_process keeps state outside libVig: memory bytes ${evidence.place.address}\\.\\.${evidence.place.address + 1} are written`));
  });

  test('globals and static buffers written before they are read, also at a computed index, are no state', async () => {
    const variant: Variant = {
      name: 'scratch',
      patches: [
        { find: 'let statVals: i32 = -1;', replace: 'let statVals: i32 = -1;\nlet unknown: i32 = 0;\nconst outputs = memory.data(8);' },
        { find: '  if (length < ETHER_HEADER) return DROP;\n', replace: '  if (length < ETHER_HEADER) return DROP;\n  unknown = FLOOD;\n  store<i32>(outputs, unknown);\n  store<i32>(outputs + 4, unknown);\n' },
        { find: '  return FLOOD;\n}', replace: '  return load<i32>(outputs + ((device & 1) << 2));\n}' },
      ],
    };
    assert.deepEqual((await explore(BRIDGE, variant)).run.violations, []);
  });

  test('a C packet counter in static memory is state; the C forwarder\'s scratch table is not', { skip: unlessInstalled('clang') || unlessInstalled('llvm-dwarfdump') }, async () => {
    const clean = await explore(FORWARDER);
    assert.deepEqual(clean.run.violations, []);
    const { run } = await explore(FORWARDER, {
      name: 'counter',
      patches: [
        { find: 'static volatile int32_t other[2];', replace: 'static volatile int32_t other[2];\nstatic volatile uint32_t packets;' },
        { find: '  other[0] = 1;\n', replace: '  uint32_t seen = packets;\n  packets = seen + 1;\n  if (seen >= 3) return FLOOD;\n  other[0] = 1;\n' },
      ],
    });
    const [violation, ...others] = only(run, 'state');
    assert.equal(others.length, 0);
    const evidence = violation!.evidence;
    assert.ok(evidence?.kind === 'changes' && 'address' in evidence.place && evidence.place.bytes === 4, JSON.stringify(evidence));
    // At the C source's lines (its DWARF line table): the read of `packets`, then the write.
    assert.match(violation!.message, /^nf_process keeps state outside libVig: memory bytes \d+\.\.\d+ are written at \S*\/\.variant-counter\.c:17 and read at \S*\/\.variant-counter\.c:16 before any write in the same packet/);
    replays(run, violation!);
  });
});

describe('outputs that are no device', () => {
  test('returning device + 1 from a 2-device NF is an output violation for device 1, and only there', async () => {
    const variant: Variant = { name: 'next-device', patches: [{ find: '  return FLOOD;\n}', replace: '  return device + 1;\n}' }] };
    const { build, run } = await explore(BRIDGE, variant);
    const violations = only(run, 'output');
    for (const violation of violations) {
      assert.equal(violation.message, 'nf_process returns device 2, but nf.json declares 2 devices (0..1), DROP or FLOOD');
      assert.deepEqual(violation.evidence, { kind: 'returns', output: 2n });
      const input = inputFromModel(violation.model);
      assert.equal(input.device, 1);
      assert.equal(loadNf(build).process(input.device, input.packet, input.now).output, 2, 'the real NF returns device 2');
      replays(run, violation);
    }
    assert.ok(run.traces.some((t) => t.results[0] !== undefined && inputFromModel(t.model).device === 0), 'the paths for device 0 go on as traces');
    assert.ok(violations.some((v) => v.location.endsWith(lineOf(BRIDGE, variant, 'return device + 1;'))), violations.map((v) => v.location).join());
    const file = join(mkdtempSync(join(tmpdir(), 'vigor-traces-')), 'next-device.json');
    saveTraces(file, run);
    assert.deepEqual(loadTraces(file, build)!.violations.map((v) => v.evidence), run.violations.map((v) => v.evidence), 'evidence survives the trace cache');
  });
});
