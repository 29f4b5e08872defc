// Seeded faults in a patched copy of the parsing NF: each is reported with the right kind and source line, and
// its counterexample, replayed in V8 on the very same .wasm, shows the fault.
import assert from 'node:assert/strict';
import { PACKET_BASE } from '../../nf-abi/index.ts';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildNf, type NfBuild, type Variant } from '../../toolchain/build.ts';
import { exploreNf, inputFromModel, type NfExploration } from '../../engine/nf/explore-nf.ts';
import type { Violation } from '../../engine/symbex/violations.ts';
import { loadNf } from '../../libvig/load-nf.ts';
import { replayViolation } from '../../engine/session/replay.ts';

const PARSER = fileURLToPath(new URL('../programs/nfs/parser', import.meta.url));

async function exploreVariant(variant: Variant): Promise<{ build: NfBuild; run: NfExploration }> {
  const build = await buildNf(PARSER, { variant });
  return { build, run: await exploreNf(build, { limits: { loopBound: 300 } }) };
}

function only(run: NfExploration, kind: Violation['kind']): Violation {
  const found = run.violations.filter((v) => v.kind === kind);
  assert.ok(found.length > 0, `a ${kind} violation is reported (got ${run.violations.map((v) => v.kind).join(', ') || 'none'})`);
  assert.ok(found.every((v) => /\.variant-[a-z-]+\.ts:\d+$/.test(v.location)), `located in the NF source: ${found[0]!.location}`);
  return found[0]!;
}

/** Runs nf_process in a worker with a deadline: true when it did not finish (a hang). */
function hangsInV8(build: NfBuild, violation: Violation, deadlineMs: number): Promise<boolean> {
  const input = inputFromModel(violation.model);
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     const { wasm, config, packetBase, input } = workerData;
     const imports = { config: {}, env: { abort() { throw new Error('abort'); } } };
     for (const [name, value] of Object.entries(config)) imports.config[name] = new WebAssembly.Global({ value: 'i32' }, value);
     const nf = new WebAssembly.Instance(new WebAssembly.Module(wasm), imports).exports;
     nf.nf_init();
     new Uint8Array(nf.memory.buffer, packetBase, input.packet.length).set(input.packet);
     nf.nf_process(input.device, packetBase, input.length, input.now);
     parentPort.postMessage('done');`,
    { eval: true, workerData: { wasm: build.wasm, config: { web_port: 80 }, packetBase: PACKET_BASE, input: { ...input, now: BigInt.asIntN(64, input.now) } } },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void worker.terminate().then(() => resolve(true)), deadlineMs);
    worker.on('message', () => (clearTimeout(timer), void worker.terminate(), resolve(false)));
    worker.on('error', (e) => (clearTimeout(timer), reject(e)));
  });
}

describe('seeded faults are reported with counterexamples that replay', () => {
  test('the unpatched NF has no violation', async () => {
    const run = await exploreNf(await buildNf(PARSER));
    assert.deepEqual(run.violations, []);
  });

  test('out-of-bounds packet read: the length check before the transport header is gone', async () => {
    const { build, run } = await exploreVariant({ name: 'no-length-check', patches: [{ find: 'if (length < l4 + 4) return DROP;', replace: '' }] });
    const violation = only(run, 'packet-overrun');
    const input = inputFromModel(violation.model);
    const nf = loadNf(build);
    // The frame placed flush against the end of linear memory: the over-read now traps in V8 itself,
    // while the same frame in the packet area is processed without complaint.
    const end = nf.memory.buffer.byteLength - input.length;
    assert.doesNotThrow(() => nf.process(input.device, input.packet, input.now));
    assert.throws(() => nf.process(input.device, input.packet, input.now, end), /out of bounds/);
  });

  test('out-of-bounds access below the packet area: a counter table never allocated (base 0), which V8 lets through and the replay catches', async () => {
    const { build, run } = await exploreVariant({
      name: 'null-counters',
      patches: [{ find: '  const ttl = load<u8>(packet + ETHER_LEN + 8);', replace: '  const counter = <usize>protocol * 4;\n  store<u32>(counter, load<u32>(counter) + 1);\n  const ttl = load<u8>(packet + ETHER_LEN + 8);' }],
    });
    const violation = only(run, 'out-of-bounds');
    assert.match(violation.message, /^read of 4 bytes at a computed address outside every memory region \(frame at 32768, no memory from 65536 on\)$/);
    const input = inputFromModel(violation.model);
    assert.doesNotThrow(() => loadNf(build).process(input.device, input.packet, input.now), 'V8 itself lets the read through');
    const replay = replayViolation(run, violation);
    assert.ok(replay.reproduced, replay.observed);
    assert.match(replay.observed, /^the run-time stopped: read of 4 bytes at address (24|68) is outside every memory region \(frame at \d+, no memory from 65536 on\), which the replay checks$/);
    // The same input on the NF as it is: a trace, no stop.
    const correct = await exploreNf(await buildNf(PARSER));
    assert.equal(replayViolation(correct, violation).reproduced, false);
  });

  test('division by zero: the TTL check divides by the TTL', async () => {
    const { build, run } = await exploreVariant({ name: 'divide-by-ttl', patches: [{ find: 'if (ttl <= 1) return DROP;', replace: 'if (<u32>300 / <u32>ttl < 2) return DROP;' }] });
    const violation = only(run, 'trap');
    assert.match(violation.message, /divide by zero/);
    const input = inputFromModel(violation.model);
    assert.throws(() => loadNf(build).process(input.device, input.packet, input.now), /divide by zero/);
  });

  test('unbounded loop: a countdown by two that never reaches zero from an odd TTL', async () => {
    const { build, run } = await exploreVariant({
      name: 'countdown',
      patches: [{ find: 'if (dstPort < 1024) return FLOOD;', replace: 'if (dstPort < 1024) { let n = <u8>ttl; while (n != 0) n -= 2; return FLOOD; }' }],
    });
    const violation = only(run, 'hang');
    assert.equal(await hangsInV8(build, violation, 2000), true, 'V8 is still looping after 2 s');
    // Control: a trace that leaves the loop finishes promptly in V8 too.
    const finishing = run.traces.find((t) => t.decisions.length > 0)!;
    assert.equal(await hangsInV8(build, { ...violation, model: finishing.model }, 2000), false);
  });
});
