// Verification through the kernel's cell handler (no Jupyter needed): %nf, property cells, %verify, %plot, spec
// errors located in the cell, completion and inspection in property cells, progress, and interrupting a long check.
// One session for the file: the learner test NF is explored once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MimeBundle } from '../../kernel/session/output.ts';
import { RecordingSink } from './recording-sink.ts';
import { kernelSession, text } from './session-harness.ts';

const LEARNER = 'tests/programs/nfs/learner';

const kernel = kernelSession();
const run = kernel.run;
const html = (bundle: MimeBundle | undefined) => String(bundle?.['text/html'] ?? '');

test('a property cell before any %nf says how to select an NF', async () => {
  const { summary } = await run('%%property early\nreturn ([], [])');
  assert.equal(summary.status, 'error');
  assert.match(summary.status === 'error' ? summary.error.evalue : '', /no NF is selected: start with %nf NAME/);
});

test('%nf of something that is not an NF names the NFs there are', async () => {
  const { summary } = await run('%nf no_such_nf');
  assert.equal(summary.status === 'error' && summary.error.ename, 'UsageError');
  assert.match(summary.status === 'error' ? summary.error.evalue : '', /"no_such_nf" is not an NF: .* has no nf\.json\. Name an NF of nfs\/ \(.*nop.*\)/);
});

test('%nf {expression} selects the NF a Python variable names, shows its traces, with progress updated in place', async () => {
  assert.equal((await run(`nf_path = "${LEARNER}"`)).summary.status, 'ok');
  const { summary, sink } = await run('%nf {nf_path}');
  assert.equal(summary.status, 'ok', JSON.stringify(sink.errors));
  assert.match(text(sink.results[0]), /^learner: 7 traces, 0 violations/);
  assert.equal((html(sink.results[0]).match(/<tr><td[^>]*>\d+<\/td>/g) ?? []).length, 7, 'one table row per trace');
  const progressId = sink.displays[0]?.displayId;
  assert.ok(progressId, 'a progress display with an id');
  assert.ok(sink.updates.every((update) => update.displayId === progressId));
  assert.match(text(sink.updates.at(-1)?.data), /%nf learner|7 traces \(/);
});

test('an {expression} in magic arguments that Python cannot evaluate is the cell error; {{ }} are literal braces', async () => {
  const { summary } = await run('%nf {no_such_variable}');
  assert.equal(summary.status === 'error' && summary.error.ename, 'NameError');
  const literal = await run('%nf {{nf_path}}');
  assert.match(literal.summary.status === 'error' ? literal.summary.error.evalue : '', /"\{nf_path\}" is not an NF/);
});

test('a property that holds: its verdict with traces and spec paths', async () => {
  const { summary, sink } = await run('%%property drops_short\nif packet_size < 14:\n    return ([], [])');
  assert.equal(summary.status, 'ok');
  assert.match(text(sink.results[0]), /drops_short\s+holds\s+7\s+7/);
  assert.match(html(sink.results[0]), /<td class="holds"[^>]*>holds<\/td>/);
});

test('a property that fails is a verdict, not a cell error: a counterexample table with packet, headers, state and lines', async () => {
  const cell = '# property: always_floods\nh = pop_header(ether, on_mismatch=([], []))\nreturn ([1 - received_on_port], [ether(h)])';
  const { summary, sink } = await run(cell);
  assert.equal(summary.status, 'ok');
  assert.match(text(sink.results[0]), /always_floods\s+FAILS/);
  const page = html(sink.results[0]);
  assert.match(page, /always_floods fails: counterexample/);
  for (const row of ['received on', 'time', 'packet', 'headers', 'state before', 'the NF did', 'the spec requires', 'NF path', 'spec line', 'replay on the run-time NF']) {
    assert.match(page, new RegExp(`<th[^>]*>${row}</th>`), `row ${row}`);
  }
  assert.match(page, /ether\.saddr = mac\((&#34;|")[0-9a-f]{2}(:[0-9a-f]{2}){5}(&#34;|")\)/, 'fields in the notation of the spec language');
  assert.match(page, /learner\.ts:\d+/);
  assert.match(page, /Cell In\[\d+\]:3/, 'the spec line is the return in the cell (line 3)');
});

test('an invalid spec is the cell error, at its line and column in the cell', async () => {
  const { summary } = await run('%%property bad_state\nh = pop_header(ether, on_mismatch=([], []))\nfrom state import macs, routes\nreturn ([], [])');
  assert.equal(summary.status, 'error');
  const error = summary.status === 'error' ? summary.error : undefined;
  assert.equal(error?.ename, 'SpecStateError');
  assert.match(error?.evalue ?? '', /^Cell In\[\d+\], line 3, column 25: .*routes/);
  assert.match(error?.traceback.join('\n') ?? '', /File "Cell In\[\d+\]", line 3, column 25\n {4}from state import macs, routes\n {28}\^/);
});

test('%verify checks spec.py, properties/*.py and the cells that hold or fail; %verify NAME only those', async () => {
  const all = await run('%verify');
  assert.equal(all.summary.status, 'ok');
  const table = text(all.sink.results[0]);
  for (const line of [/spec\s+holds/, /learned_fn\s+holds/, /short_frames_dropped\s+holds/, /drops_short\s+holds/, /always_floods\s+FAILS/]) assert.match(table, line);
  assert.doesNotMatch(table, /bad_state/, 'an invalid cell is not a property');
  const one = await run('%verify short_frames_dropped');
  assert.match(text(one.sink.results[0]), /^learner: 1 of 1 properties hold/);
  const unknown = await run('%verify nothing_here');
  assert.match(unknown.summary.status === 'error' ? unknown.summary.error.evalue : '', /no property "nothing_here" for learner: properties are spec, learned_fn, short_frames_dropped, drops_short, always_floods/);
});

test('a later property imports one defined in a cell', async () => {
  const { summary, sink } = await run('%%property short_then_anything\nimport drops_short\npass');
  assert.equal(summary.status, 'ok', JSON.stringify(summary));
  assert.match(text(sink.results[0]), /short_then_anything\s+holds/);
});

test('%plot draws trace counts and times of what was verified, as plotly JSON and a self-contained HTML page', async () => {
  const { summary, sink } = await run('%plot traces times');
  assert.equal(summary.status, 'ok');
  assert.equal(sink.displays.length, 2);
  const [traces, times] = sink.displays.map((display) => display.data['application/vnd.plotly.v1+json'] as { data: { x: string[]; y: number[] }[] });
  assert.ok(traces && times);
  const checked = traces.data[0]!.x;
  assert.ok(checked.includes('learner: drops_short') && checked.includes('learner: always_floods'));
  assert.ok(traces.data[0]!.y.every((count) => count === 7), 'every property was checked against the 7 traces');
  assert.ok(times.data[0]!.x.includes('explore learner'), 'exploration time is plotted apart from the checks');
  const [first, second] = sink.displays.map((display) => html(display.data));
  // assert.ok, not assert.match: a failure must not print the 1.2 MB of plotly.js.
  assert.ok(/Plotly\.newPlot\(/.test(first!) && /Plotly\.newPlot\(/.test(second!), 'each output draws its plot');
  assert.ok(/\* plotly\.js \(.*\) v\d/.test(first!), "the session's first plot carries plotly.js");
  assert.ok(second!.length < 20_000 && !/\* plotly\.js /.test(second!), 'a later plot uses that copy');
  assert.ok(!/<script[^>]+src=|requirejs|require\.js/i.test(first!), 'no CDN, no RequireJS');
  assert.equal((await run('%plot pie')).summary.status, 'error');
});

test('completion in a property cell offers state names, header fields and the state API of the selected NF', async () => {
  const names = async (code: string) => (await kernel.session.complete(code, code.length)).matches;
  assert.deepEqual(await names('%%property p\nfrom state import '), ['macs', 'ports']);
  assert.deepEqual(await names('%%property p\nh = pop_header(ether, on_mismatch=([], []))\nh.'), ['daddr', 'saddr', 'type']);
  const api = await names('# property: p\nfrom state import macs\nmacs.');
  for (const operation of ['add', 'expire_all', 'get', 'has']) assert.ok(api.includes(operation), operation);
  assert.ok((await names('%%property p\npop_h')).includes('pop_header'));
  assert.ok(!(await names('%%property p\nzi')).includes('zip'), "Python's builtins are not spec names");
  assert.ok((await names('zi')).includes('zip'), 'other cells complete as Python');
});

test('inspection in a property cell documents spec names', async () => {
  const doc = async (code: string, at: string) => text(await kernel.session.inspect(code, code.indexOf(at) + 1, 0));
  const cell = '%%property p\nfrom state import macs\nh = pop_header(ether, on_mismatch=([], []))\nmacs.expire_all(now)\nif macs.has(h.saddr):\n    pass';
  assert.match(await doc(cell, 'pop_header'), /^pop_header\(protocol, on_mismatch\): take the next header/);
  assert.match(await doc(cell, 'ether,'), /ether\(h, field=\.\.\.\).*saddr, daddr, type/);
  assert.match(await doc(cell, 'expire_all'), /emap\.expire_all\(time\): remove every entry stamped strictly before/);
  assert.match(await doc(cell, 'has('), /emap\.has\(key\)/);
  assert.match(await doc(cell, 'macs\nh'), /macs: emap of ether_addr of learner/);
});

test('an interrupt during a long check returns within 2 s, and the next cell runs', async () => {
  // 2^24 spec paths per trace: far longer than the test; the engine polls between spec paths.
  const slow = '%%property slow\nh = pop_header(ether, on_mismatch=([], []))\nn = 0\nfor bit in range(24):\n    if (now >> bit) & 1 == 1:\n        n = n + 1\nreturn ([...], [ether(h)])';
  const sink = new RecordingSink();
  let interruptedAt = 0;
  sink.onUpdate = (item) => {
    // Interrupt once checking is under way (exploration is cached, so this comes at once).
    if (interruptedAt === 0 && /checking slow/.test(text(item.data))) {
      interruptedAt = performance.now();
      kernel.session.interrupt();
    }
  };
  const { summary } = await run(slow, sink);
  const seconds = (performance.now() - interruptedAt) / 1000;
  assert.ok(interruptedAt > 0, 'checking was reported through progress updates');
  assert.equal(summary.status === 'error' && summary.error.ename, 'KeyboardInterrupt');
  assert.ok(seconds < 2, `control came back ${seconds.toFixed(2)} s after the interrupt`);
  assert.match(text(sink.updates.at(-1)?.data), /interrupted/);
  const next = await run('%%property next\nif packet_size < 14:\n    return ([], [])');
  assert.equal(next.summary.status, 'ok');
  assert.match(text(next.sink.results[0]), /next\s+holds/);
});

test('a property cell cannot reach the host: the escape is the cell error, at its line', async () => {
  const { summary } = await run("%%property escape\nx = __import__('js').process.getBuiltinModule('child_process')\nreturn ([], [])");
  const error = summary.status === 'error' ? summary.error : undefined;
  assert.equal(error?.ename, 'SpecRuntimeError');
  assert.match(error?.evalue ?? '', /line 2\b.*a spec cannot use the name '__import__'/);
});

test('a spec that raises on some paths only: the cell error says on which trace, what the NF did, and an input that raises it', async () => {
  // Where the learner drops a frame, transmitted_packet is None: only there does the spec index an empty list.
  const { summary } = await run('%%property unguarded\ndef spec(packet, config, transmitted_packet):\n    assert transmitted_packet is not None or [][0] == 0');
  const error = summary.status === 'error' ? summary.error : undefined;
  assert.equal(error?.ename, 'SpecRuntimeError');
  assert.match(error?.evalue ?? '', /line 3\b.*IndexError: list index out of range/);
  const traceback = error?.traceback.join('\n') ?? '';
  assert.match(traceback, /raised on trace \d+ of 7, where the NF: DROP/);
  assert.match(traceback, /\n {2}an input that raises it: device \d, time t0 = \d+ ns, frame of \d+ bytes: [0-9a-f ]+\n {4}ether: saddr mac\("/);
});

test("a cell named like one of the NF's property files is refused; a name given twice to %verify is one property", async () => {
  const evalue = (summary: { status: string; error?: { evalue: string } }) => summary.error?.evalue ?? '';
  for (const name of ['spec', 'learned_fn']) {
    const { summary } = await run(`%%property ${name}\nreturn ([], [])`);
    assert.equal(summary.status === 'error' && summary.error.ename, 'UsageError');
    assert.match(evalue(summary), new RegExp(`learner already has a property named ${name} \\(.*learner/(properties/)?${name}\\.py\\): choose another name for this cell, or run %verify ${name} to check the file`));
  }
  // The file is still what %verify checks: it holds, where the refused cell would have failed.
  const all = await run('%verify');
  const table = text(all.sink.results[0]);
  assert.equal(table.match(/^spec\s/gm)?.length, 1, table);
  assert.match(table, /^spec\s+holds/m);
  const twice = await run('%verify spec spec');
  assert.match(text(twice.sink.results[0]), /^learner: 1 of 1 properties hold/);
  assert.equal(text(twice.sink.results[0]).match(/^spec\s/gm)?.length, 1);
});
