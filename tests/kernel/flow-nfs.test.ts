// The NAT and the firewall in the kernel (issue 15): `%nf` explores each with no violation, and a property cell of
// the NAT's (one of its properties, imported) holds of it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelSession, text } from './session-harness.ts';

const { run } = kernelSession();

test('%nf nat and %nf fw explore without violations; a property cell holds of the NAT', async () => {
  for (const nf of ['nat', 'fw']) {
    const explored = await run(`%nf ${nf}`);
    assert.equal(explored.summary.status, 'ok', JSON.stringify(explored.sink.errors));
    assert.match(text(explored.sink.results[0]), new RegExp(`^${nf}: \\d+ traces, 0 violations`));
  }
  await run('%nf nat');
  const cell = await run('%%property injection_blocked\nimport block_packet_injection\n');
  assert.equal(cell.summary.status, 'ok', JSON.stringify(cell.summary));
  assert.match(text(cell.sink.results[0]), /^injection_blocked\s+holds\s+\d+/m);
});
