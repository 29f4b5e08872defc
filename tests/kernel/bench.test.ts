// %bench and %plot bench through the kernel's cell handler: the table of the three implementations with ratios
// that pair the throughputs shown repetition by repetition, the plotly charts of this session's benchmarks,
// usage errors that say what to write, and an interrupt that returns within 2 s. Benchmarks are small (seconds);
// no figure is asserted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExecuteSummary } from '../../kernel/session/cell-handler.ts';
import { RecordingSink } from './recording-sink.ts';
import { kernelSession, text } from './session-harness.ts';

const SMALL = '--packets 20000 --warmup 5000 --repetitions 2 --passes 2';
const IMPLEMENTATIONS = ['verified .wasm', 'native C (gcc -O2)', 'TypeScript + Maps'];

const kernel = kernelSession();
const run = kernel.run;
const failure = (summary: ExecuteSummary) => (summary.status === 'error' ? `${summary.error.ename}: ${summary.error.evalue}` : 'no error');

interface Shown {
  median: number;
  min: number;
  max: number;
}

/** The rows of the text table: NF, implementation, Mpps and the wasm/this ratio as shown (the verified NF's ratio is a bare 1.00). */
function tableRows(table: string): { nf: string; implementation: string; mpps: Shown; ratio: Shown }[] {
  const figure = '([\\d.]+)(?: \\[([\\d.]+)-([\\d.]+)\\])?';
  const row = new RegExp(`^(\\w+)\\s+(${IMPLEMENTATIONS.map((i) => i.replace(/[.()+]/g, '\\$&')).join('|')})\\s+${figure}\\s+${figure}`, 'gm');
  const shown = (median?: string, min?: string, max?: string) => ({ median: Number(median), min: Number(min ?? median), max: Number(max ?? median) });
  return [...table.matchAll(row)].map((m) => ({ nf: m[1]!, implementation: m[2]!, mpps: shown(m[3], m[4], m[5]), ratio: shown(m[6], m[7], m[8]) }));
}

test('%plot bench before any benchmark says to run %bench', async () => {
  const { summary } = await run('%plot bench');
  assert.match(failure(summary), /^UsageError: no benchmark ran in this kernel yet: run %bench NF/);
});

test('%bench of an unknown NF or with a bad option is a UsageError saying what to write', async () => {
  assert.match(failure((await run('%bench no_such_nf')).summary), /UsageError: "no_such_nf" is not an NF: .* Name an NF of nfs\/ \(.*bridge.*\)/);
  assert.match(failure((await run(`%bench nop --fast ${SMALL}`)).summary), /UsageError: %bench has no option --fast; its options: --occupancy, .*--packets.*\(e\.g\. %bench bridge/);
  assert.match(failure((await run('%bench nop --packets lots')).summary), /UsageError: %bench --packets takes a whole number .*e\.g\. --packets 100000; not "lots"/);
  assert.match(failure((await run('%bench nop --occupancy 1.5')).summary), /UsageError: %bench --occupancy takes a fraction between 0 and 1/);
  // In decimal, as vigor bench reads them: Number() would take these.
  assert.match(failure((await run('%bench nop --packets 0x10')).summary), /UsageError: %bench --packets takes a whole number .*; not "0x10"/);
  assert.match(failure((await run('%bench nop --seed Infinity')).summary), /UsageError: %bench --seed takes a whole number.*; not "Infinity"/);
  assert.match(failure((await run('%bench nop --pcap x.pcap --occupancy 0.5')).summary), /UsageError: %bench --occupancy shapes generated traffic; with --pcap the capture decides its frames and flows: drop it or --pcap/);
  assert.match(failure((await run('%bench nop --repetitions')).summary), /UsageError: %bench --repetitions needs a value after it, e\.g\. --repetitions 3/);
  assert.match(failure((await run('%bench nop --passes 0')).summary), /UsageError: %bench --passes takes a whole number of throughput passes per repetition \(the fastest counts\), at least 1, e\.g\. --passes 1; not "0"/);
  assert.match(failure((await run('%bench')).summary), /UsageError: %bench has no NF to run: name one or more \(e\.g\. %bench nop bridge\) or select one first with %nf NAME/);
});

let table = '';

test('%bench nop bridge: a table of the three implementations per NF, ratios pairing the figures shown, progress in place', async () => {
  const { summary, sink } = await run(`%bench nop bridge ${SMALL}`);
  assert.equal(summary.status, 'ok', failure(summary));
  table = text(sink.results[0]);
  const rows = tableRows(table);
  assert.deepEqual(rows.map((r) => `${r.nf} ${r.implementation}`), ['nop', 'bridge'].flatMap((nf) => IMPLEMENTATIONS.map((i) => `${nf} ${i}`)));
  for (const nf of ['nop', 'bridge']) {
    const [wasm, ...baselines] = rows.filter((r) => r.nf === nf);
    assert.deepEqual(wasm!.ratio, { median: 1, min: 1, max: 1 });
    for (const baseline of baselines) {
      // Two repetitions: each implementation's min and max are its two throughputs, and the two ratios pair them
      // one to one, in one of two ways. Shown figures have two decimals: ratios of them differ from the shown by rounding.
      const { mpps: w } = wasm!;
      const { mpps: b, ratio } = baseline;
      const close = (shown: number, of: number) => Math.abs(shown - of) <= 0.006 + of * (0.006 / w.min + 0.006 / b.min);
      const pairs = (first: number, second: number) => {
        const [low, high] = [first, second].sort((x, y) => x - y);
        return close(ratio.min, low!) && close(ratio.max, high!);
      };
      assert.ok(pairs(w.min / b.min, w.max / b.max) || pairs(w.min / b.max, w.max / b.min), `${nf} ${baseline.implementation}: ratios ${JSON.stringify(ratio)} shown, Mpps ${JSON.stringify(w)} and ${JSON.stringify(b)}`);
      assert.ok(ratio.median === ratio.min || ratio.median === ratio.max, 'the median of two is one of them');
    }
  }
  assert.match(table, /nop: generated traffic, 20000 measured packets .* 2 repetitions \(each the fastest of 2 throughput passes\)/);
  const html = String(sink.results[0]?.['text/html']);
  assert.match(html, /<li>bridge: generated traffic, 20000 measured packets .* 2 repetitions \(each the fastest of 2 throughput passes\)<\/li>/);
  assert.equal((html.match(/<tr><td[^>]*>(nop|bridge)<\/td>/g) ?? []).length, 6, 'one HTML row per NF and implementation');
  assert.match(html, /<th[^>]*>wasm ÷ this median \[min–max\]<\/th>.*<th[^>]*>p99 \[min–max\]<\/th><th[^>]*>max \[min–max\]<\/th>/);

  const progressId = sink.displays[0]?.displayId;
  assert.ok(progressId, 'a progress display with an id');
  assert.ok(sink.updates.every((update) => update.displayId === progressId), 'progress is updated in place');
  assert.match(text(sink.updates.at(-1)?.data), /^%bench nop bridge: 2 NFs benchmarked, 2 repetitions/);
});

test('%plot bench: plotly bar charts of throughput and latency per NF and implementation, with the HTML fallback', async () => {
  assert.ok(table, 'the %bench test ran');
  const { summary, sink } = await run('%plot bench');
  assert.equal(summary.status, 'ok', failure(summary));
  assert.equal(sink.displays.length, 2);
  type Bars = { data: { type: string; name: string; x: string[]; y: number[] }[] };
  const [throughput, latency] = sink.displays.map((display) => display.data['application/vnd.plotly.v1+json'] as Bars);
  assert.deepEqual(throughput!.data.map((trace) => trace.name), IMPLEMENTATIONS);
  assert.deepEqual(latency!.data.map((trace) => trace.name), IMPLEMENTATIONS);
  const rows = tableRows(table);
  for (const [index, implementation] of IMPLEMENTATIONS.entries()) {
    const bars = throughput!.data[index]!;
    assert.equal(bars.type, 'bar');
    assert.deepEqual(bars.x, ['nop', 'bridge']);
    // The bars are the medians of the table.
    assert.deepEqual(bars.y.map((y) => y.toFixed(2)), ['nop', 'bridge'].map((nf) => rows.find((r) => r.nf === nf && r.implementation === implementation)!.mpps.median.toFixed(2)));
    assert.deepEqual(latency!.data[index]!.x, ['nop median', 'nop p99', 'bridge median', 'bridge p99']);
    assert.ok(latency!.data[index]!.y.every((ns) => ns > 0), 'latencies are positive');
  }
  const pages = sink.displays.map((display) => String(display.data['text/html']));
  // assert.ok, not assert.match: a failure must not print the 1.2 MB of plotly.js.
  assert.ok(pages.every((page) => /Plotly\.newPlot\(/.test(page)), 'each output draws its plot');
  assert.deepEqual(pages.map((page) => /\* plotly\.js \(.*\) v\d/.test(page)), [true, false], "the session's first plot carries plotly.js, the second uses it");
  assert.match(text(sink.displays[0]?.data), /nop, native C \(gcc -O2\): [\d.]+ \[/);
});

test('%plot names every kind, bench included, when given an unknown one', async () => {
  assert.match(failure((await run('%plot pie')).summary), /UsageError: %plot takes traces, times or bench/);
});

test('an interrupt during a long %bench returns within 2 s, and the next cell runs', async () => {
  // Half a million packets a repetition for 20 repetitions: far longer than the test.
  const sink = new RecordingSink();
  let interruptedAt = 0;
  sink.onUpdate = () => {
    if (interruptedAt === 0) {
      interruptedAt = performance.now();
      kernel.session.interrupt();
    }
  };
  const { summary } = await run('%bench bridge --packets 500000 --repetitions 20', sink);
  const seconds = (performance.now() - interruptedAt) / 1000;
  assert.ok(interruptedAt > 0, 'the benchmark reported progress');
  assert.match(failure(summary), /^KeyboardInterrupt: benchmark interrupted/);
  assert.ok(seconds < 2, `control came back ${seconds.toFixed(2)} s after the interrupt`);
  assert.match(text(sink.updates.at(-1)?.data), /interrupted/);
  const next = await run('%bench nop --packets 20000 --warmup 5000 --repetitions 1');
  assert.equal(next.summary.status, 'ok', failure(next.summary));
  assert.match(text(next.sink.results[0]), /nop\s+verified \.wasm/);
});
