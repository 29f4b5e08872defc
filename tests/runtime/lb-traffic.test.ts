// The load balancer's benchmark traffic (runtime/traffic.ts): heartbeats register every backend first and keep
// all of them alive, clients arrive on device 2, and the flow table holds occupancy x capacity flows before every
// measured packet while probes open new flows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Emap } from '../../libvig/runtime/index.ts';
import { buildNf } from '../../toolchain/build.ts';
import { loadNf } from '../../libvig/load-nf.ts';
import { DEFAULT_TRAFFIC, generateTraffic, mainTableCapacity } from '../../runtime/traffic.ts';

const LB = fileURLToPath(new URL('../../nfs/lb', import.meta.url));

test('lb: backends registered by heartbeats first and kept alive; the flow table at the occupancy; clients always served', async () => {
  const build = await buildNf(LB);
  // A smaller flow table, so that the test takes seconds; the time step grows as much, and so the backends'
  // expiration time with it (else every other packet would be a heartbeat).
  const manifest = structuredClone(build.manifest);
  manifest.config.flow_capacity!.value = 4096;
  manifest.config.backend_expiration_time!.value = 300_000_000_000;
  const backends = Number(manifest.config.backend_capacity!.value);
  const options = { ...DEFAULT_TRAFFIC, packets: 20_000, warmup: 2000 };
  const trace = generateTraffic(manifest, options);
  const window = Math.floor(options.occupancy * mainTableCapacity(manifest));

  const nf = loadNf({ ...build, manifest });
  const [flows, , , live] = nf.libvig!.objects as [Emap, unknown, unknown, Emap];
  const counts = new Set<number>();
  let heartbeats = 0;
  for (let packet = 0; packet < trace.count; packet++) {
    const device = trace.device(packet);
    if (packet < backends) assert.notEqual(device, 2, `packet ${packet} is a heartbeat`);
    if (packet >= trace.untimed && device === 2) counts.add(flows.count);
    const { output } = nf.process(device, trace.frame(packet), trace.time(packet));
    if (device !== 2) {
      heartbeats++;
      assert.equal(output, -1, `heartbeat ${packet} is dropped`);
    } else {
      assert.ok(output === 0 || output === 1, `client packet ${packet} goes to a backend (${output})`);
    }
    if (packet >= backends) assert.equal(live.count, backends, `every backend alive at packet ${packet}`);
  }
  assert.deepEqual([...counts].sort((a, b) => a - b), [window, window + 1]);
  // Heartbeats are a few per cent of the traffic, not more.
  assert.ok(heartbeats > backends && heartbeats < trace.count / 20, `${heartbeats} heartbeats of ${trace.count}`);
});
