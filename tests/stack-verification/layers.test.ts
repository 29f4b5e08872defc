// `--layers` as users meet it: the CLI's and the kernel's readings of it (one list, one wording), the figures each
// verification reports per layers (Vigor's Table 3 columns), a trace cache that keeps layers apart, and the
// kernel's plots showing layers side by side.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LAYERS, layerFigures, readLayers } from '../../engine/index.ts';
import { traceCacheFile } from '../../engine/session/trace-cache.ts';
import { nfCommand } from '../../kernel/verification/magic-arguments.ts';
import { plotFigure, type VerificationRecord } from '../../kernel/verification/plot.ts';
import { parseMagic } from '../../kernel/session/magic-failures.ts';
import { buildNf } from '../../toolchain/build.ts';
import { vigor } from '../cli/in-process.ts';
import { kernelSession, text } from '../kernel/session-harness.ts';

const NOP = fileURLToPath(new URL('../../nfs/nop', import.meta.url));

describe('the CLI reads --layers', () => {
  test('a name that is no layers is a usage mistake listing the layers there are', async () => {
    const run = await vigor(['traces', NOP, '--layers', 'nf+io']);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--layers nf\+io names no layers: write one of nf, nf,io, full/);
  });

  test('the help of traces and verify names every layers the engine knows', async () => {
    for (const command of ['traces', 'verify']) {
      const help = (await vigor([command, '--help'])).stdout.replace(/\s+/g, ' ');
      for (const layers of LAYERS) assert.ok(help.includes(`${layers} (`), `${command} --help names ${layers}: ${help}`);
    }
  });

  test('vigor traces reports the traces and the exploration time of the layers explored', async () => {
    const run = await vigor(['traces', NOP, '--layers', 'nf']);
    assert.equal(run.code, 0, run.stderr);
    const traces = Number(/^nop: (\d+) traces?/m.exec(run.stdout)![1]);
    assert.match(run.stdout, new RegExp(`^  layers nf: ${traces} traces?, exploration \\d+\\.\\d\\d s, no property checked$`, 'm'));
  });

  test('vigor verify adds the mean validation time per trace', async () => {
    const spec = join(mkdtempSync(join(tmpdir(), 'vigor-layers-')), 'drops_short.py');
    writeFileSync(spec, 'if packet_size < 14:\n    return ([], [])\n');
    const run = await vigor(['verify', NOP, '--layers', 'nf', '--spec', spec]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^layers nf: 1 trace, exploration \d+\.\d\d s, validation \d+\.\d{3} s per trace$/m);
  });
});

test('the kernel reads --layers with the engine\'s list and wording', () => {
  for (const layers of LAYERS) assert.equal(parseMagic(nfCommand(), `nop --layers ${layers}`).opts().layers, layers);
  assert.equal(parseMagic(nfCommand(), 'nop').opts().layers, 'nf');
  const mistake = readLayers('stack');
  assert.ok(typeof mistake !== 'string');
  assert.throws(() => parseMagic(nfCommand(), 'nop --layers stack'), (e: Error) => e.message.includes(mistake.mistake));
});

test('validation time per trace is the checks\' seconds over the traces they checked', () => {
  const figures = layerFigures('full', { traces: 10, seconds: 3 }, [{ seconds: 2, traces: 10 }, { seconds: 4, traces: 10 }]);
  assert.deepEqual(figures, { layers: 'full', traces: 10, explorationSeconds: 3, validationSecondsPerTrace: 0.3 });
  assert.equal(layerFigures('nf', { traces: 1, seconds: 1 }, []).validationSecondsPerTrace, null);
});

test('the trace cache keeps each layers\' traces apart', async () => {
  const build = await buildNf(NOP);
  const files = LAYERS.map((layers) => traceCacheFile(build, layers));
  assert.equal(new Set(files).size, LAYERS.length, 'one file per layers');
});

describe('%plot shows layers side by side', () => {
  const records: VerificationRecord[] = [
    { nf: 'bridge', layers: 'nf', traces: 8, seconds: 2 },
    { nf: 'bridge', layers: 'nf', property: 'spec', verdict: 'holds', traces: 8, specPaths: 9, seconds: 1 },
    { nf: 'bridge', layers: 'full', traces: 20, seconds: 30 },
    { nf: 'bridge', layers: 'full', property: 'spec', verdict: 'holds', traces: 20, specPaths: 22, seconds: 3 },
  ];
  test('traces: one pair of series per layers over the same properties', () => {
    const figure = plotFigure('traces', records) as unknown as { data: { name: string; x: string[]; y: number[] }[] };
    assert.deepEqual(figure.data.map((s) => s.name), ['NF traces (nf layers)', 'spec paths (nf layers)', 'NF traces (full layers)', 'spec paths (full layers)']);
    assert.deepEqual(figure.data.map((s) => s.x), [['bridge: spec'], ['bridge: spec'], ['bridge: spec'], ['bridge: spec']]);
    assert.deepEqual(figure.data.map((s) => s.y[0]), [8, 9, 20, 22]);
  });
  test('times: each exploration and property with its layers next to each other', () => {
    const figure = plotFigure('times', records) as unknown as { layout: { xaxis: { categoryarray: string[] } } };
    assert.deepEqual(figure.layout.xaxis.categoryarray, ['explore bridge (nf layers)', 'explore bridge (full layers)', 'bridge: spec (nf layers)', 'bridge: spec (full layers)']);
  });
  test('one layers only: the series and labels read as before', () => {
    const figure = plotFigure('traces', records.slice(0, 2)) as unknown as { data: { name: string }[] };
    assert.deepEqual(figure.data.map((s) => s.name), ['NF traces', 'spec paths']);
  });
});

describe('the kernel\'s results object has Table 3\'s figures per layers', () => {
  const kernel = kernelSession();
  test('vigor.layers: the exploration\'s traces and time, and the checks\' seconds per trace', async () => {
    assert.equal((await kernel.run('%nf tests/programs/nfs/learner --layers nf')).summary.status, 'ok');
    await kernel.run('%%property drops_short\nif packet_size < 14:\n    return ([], [])');
    const { summary, sink } = await kernel.run(
      '[(l.nf, l.layers, l.traces == vigor.nf.traces, l.exploration_seconds == vigor.nf.seconds, ' +
      'abs(l.validation_seconds_per_trace - vigor["drops_short"].seconds / vigor["drops_short"].traces) < 1e-9) for l in vigor.layers]');
    assert.equal(summary.status, 'ok');
    assert.equal(text(sink.results[0]), "[('learner', 'nf', True, True, True)]");
    const { sink: checks } = await kernel.run('[(c.layers, c.property) for c in vigor.checks]');
    assert.equal(text(checks.results[0]), "[('nf', None), ('nf', 'drops_short')]");
  });
});
