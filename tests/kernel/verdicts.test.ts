// The kernel's verdicts on an NF with low-level violations agree with `vigor verify`: after `%nf` reports the
// violation, neither a property cell nor `%verify` says a property holds (the engine words both).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MimeBundle } from '../../kernel/session/output.ts';
import { kernelSession, text } from './session-harness.ts';

const { run } = kernelSession();
const html = (bundle: MimeBundle | undefined) => String(bundle?.['text/html'] ?? '');
const SUMMARY = /^overrun: the NF has 1 violation: no property holds until they are fixed \(1 of 1 hold on paths without violations; 2 traces\)$/m;

test('%nf of an NF with a violation, then a property cell and %verify: no verdict reads "holds"', async () => {
  const nf = await run('%nf tests/programs/nfs/overrun');
  assert.equal(nf.summary.status, 'ok', JSON.stringify(nf.sink.errors));
  assert.match(text(nf.sink.results[0]), /^overrun: 2 traces, 1 violation/);
  // The violation as a failure reads: its input, the NF path to it (file:line:column) and its replay.
  assert.match(text(nf.sink.results[0]), /NF path:\n {6}tests\/programs\/nfs\/overrun\/overrun\.ts:5:\d+ {2}if \(load<u16>\(packet \+ 12\) == 0x0008\) return 1 - device; {2}-> VIOLATION \(packet-overrun\)/);
  const violation = html(nf.sink.results[0]);
  assert.match(violation, /<h4>VIOLATION \(packet-overrun\)<\/h4>/);
  assert.match(violation, /violation<\/th><td[^>]*><code>packet-overrun at tests\/programs\/nfs\/overrun\/overrun\.ts:5: read of byte 13 of the frame/);
  assert.match(violation, /NF path<\/th><td[^>]*><code>tests\/programs\/nfs\/overrun\/overrun\.ts:5:\d+ {2}if \(load&#60;u16&#62;\(packet \+ 12\)/);
  assert.match(violation, /replay on the run-time NF<\/th><td[^>]*><code>reproduced, the run-time stopped/);

  const cell = await run('%%property drops_short\nif packet_size < 14:\n    return ([], [])');
  assert.equal(cell.summary.status, 'ok', JSON.stringify(cell.summary));
  const verify = await run('%verify');
  assert.equal(verify.summary.status, 'ok', JSON.stringify(verify.summary));
  for (const { sink } of [cell, verify]) {
    const plain = text(sink.results[0]);
    assert.match(plain, SUMMARY);
    assert.match(plain, /^drops_short\s+holds on paths without violations\s+2/m);
    assert.doesNotMatch(plain, /properties hold|\bholds\s+\d/);
    const page = html(sink.results[0]);
    assert.match(page, /<p>overrun: the NF has 1 violation: no property holds until they are fixed/);
    assert.match(page, /<td class="holds"[^>]*>holds on paths without violations<\/td>/);
    // The progress line closes with the same summary.
    assert.match(text(sink.updates.at(-1)?.data), /the NF has 1 violation: no property holds until they are fixed/);
  }
});
