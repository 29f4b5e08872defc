// Full-stack verification (`--layers full`): the stack's poll over a symbolic device (stack-models/) holds for nop
// and the bridge, and each seeded stack bug (a temporary variant of stack/, never stack/ itself) is rejected
// with a counterexample in device terms: the rule broken, registers and descriptor contents.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { explorePoll } from '../../engine/stack/explore-stack.ts';
import type { Violation } from '../../engine/symbex/violations.ts';
import { buildNf, buildStackedNf, type StackVariant } from '../../toolchain/build.ts';

const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));
const BRIDGE = fileURLToPath(new URL('../../nfs/bridge', import.meta.url));

async function poll(nfDir: string, stackVariant?: StackVariant) {
  const build = await buildNf(nfDir);
  return explorePoll(build, stackVariant ? { stacked: await buildStackedNf(nfDir, { stackVariant }) } : {});
}

const shown = (violations: readonly Violation[]) => violations.map((v) => `${v.kind} at ${v.location}: ${v.message}`).join('\n');

describe('the stack as it is holds', () => {
  for (const [name, dir] of [['nop', NOP], ['bridge', BRIDGE]] as const) {
    test(`${name}: every poll, for every device behaviour explored, keeps the protocol and the NF's contract`, async () => {
      const run = await poll(dir);
      assert.equal(run.violations.length, 0, shown(run.violations));
      assert.ok(run.traces.length > 1, 'polls that deliver frames and polls that deliver none');
    });
  }
});

/** A seeded bug: a patch of one stack file, and what its counterexample must say. */
const BUGS: { bug: string; variant: StackVariant; says: RegExp }[] = [
  {
    bug: 'a descriptor length trusted beyond its buffer',
    variant: { name: 'trusts-length', file: 'io-loop.ts', patches: [{ find: 'const longest = frameMax < BUFFER_BYTES ? frameMax : BUFFER_BYTES;', replace: 'const longest = 65535;' }] },
    says: /rule [45] of the device protocol.*(buffer of RX descriptor \d+|across the end of a 2048-byte buffer).*RX descriptor \d+: LENGTH (\d+)/,
  },
  {
    bug: 'a ring index wrap off by one (the refill wraps to 1)',
    variant: { name: 'wrap-to-one', file: 'driver.ts', patches: [{ find: 'store<u16>(rxDescriptor(device, index) + DESCRIPTOR_STATUS, 0);\n    index = (index + 1) & MASK;', replace: 'store<u16>(rxDescriptor(device, index) + DESCRIPTOR_STATUS, 0);\n    index = index + 1 > MASK ? 1 : index + 1;' }] },
    says: /rule \d of the device protocol.*RX_HEAD \d+, RX_TAIL \d+/,
  },
  {
    bug: 'a descriptor processed before its done bit',
    variant: {
      name: 'before-done', file: 'driver.ts', patches: [
        { find: 'if (next == load<i32>(at + RX_HEAD)) return 0;', replace: 'if (next == ((load<i32>(at + RX_HEAD) + 1) & MASK)) return 0;' },
        { find: 'if ((load<u16>(descriptor + DESCRIPTOR_STATUS) & STATUS_DONE) == 0) {', replace: 'if (false) {' },
      ],
    },
    says: /rule 4 of the device protocol \(nf-abi\/device.ts\): the driver read the LENGTH or STAMP of RX descriptor \d+ of device \d+ before/,
  },
  {
    bug: 'a transmit descriptor reused while the device owns it',
    variant: { name: 'tx-reuse', file: 'driver.ts', patches: [{ find: 'const descriptor = txDescriptor(to, tail);', replace: 'const descriptor = txDescriptor(to, (load<i32>(at + TX_TAIL_WRITTEN) - 1) & MASK);' }] },
    // The descriptor it should have written goes to the device unwritten (or, in flight, it is written over).
    says: /rule 6 of the device protocol.*(handed TX descriptor \d+ of device \d+ to the device with ADDRESS 0x0|wrote TX descriptor \d+ of device \d+ while the device owns it)/,
  },
  {
    bug: 'a reserved bit written',
    variant: { name: 'reserved-bit', file: 'driver.ts', patches: [{ find: 'write_register(device, REGISTER_CONTROL, CONTROL_RX_ENABLE | CONTROL_TX_ENABLE);', replace: 'write_register(device, REGISTER_CONTROL, CONTROL_RX_ENABLE | CONTROL_TX_ENABLE | 0x100);' }] },
    says: /rule 1 of the device protocol.*wrote 0x103 to CONTROL of device 0, setting reserved bits 0x100/,
  },
];

describe('seeded stack bugs are rejected in device terms', () => {
  for (const { bug, variant, says } of BUGS) {
    test(bug, async () => {
      const run = await poll(NOP, variant);
      assert.ok(run.violations.some((v) => v.kind === 'device' && says.test(v.message)), `expected ${says}, got:\n${shown(run.violations).slice(0, 3000)}`);
    });
  }
});
