// Python's `vigor` object: what the verification magics found, usable in later cells and kept in step with them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelSession, text } from './session-harness.ts';

const kernel = kernelSession();
/** The text/plain result of a Python cell that must succeed. */
async function value(code: string): Promise<string> {
  const { summary, sink } = await kernel.run(code);
  assert.equal(summary.status, 'ok', JSON.stringify(sink.errors));
  return text(sink.results[0]);
}

test('before any %nf, vigor says how to start', async () => {
  assert.equal(await value('vigor'), '<vigor: no NF selected yet (%nf NAME)>');
  assert.equal(await value('vigor.nf is None and vigor.properties == {}'), 'True');
  const help = await kernel.run('vigor?');
  assert.match(text(help.sink.displays[0]?.data), /Class docstring:\n`vigor`: what this kernel verified/);
});

test('after %nf and checks, vigor holds the NF, each verdict, counterexamples as data and the figures', async () => {
  assert.equal((await kernel.run('%nf tests/programs/nfs/learner')).summary.status, 'ok');
  assert.equal(await value('(vigor.nf.name, vigor.nf.traces, vigor.nf.violations, len(vigor.nf.trace_list))'), "('learner', 7, 0, 7)");
  await kernel.run('%%property drops_short\nif packet_size < 14:\n    return ([], [])');
  await kernel.run('# property: always_floods\nh = pop_header(ether, on_mismatch=([], []))\nreturn ([1 - received_on_port], [ether(h)])');
  assert.equal(await value('[(p.name, p.verdict, p.holds) for p in vigor.properties.values()]'), "[('drops_short', 'holds', True), ('always_floods', 'fails', False)]");
  assert.equal(await value('vigor["drops_short"].traces, vigor["drops_short"].spec_paths'), '(7, 7)');
  const example = 'vigor["always_floods"].counterexamples[0]';
  assert.equal(await value(`type(${example}.packet).__name__, len(${example}.packet) >= 14, len(${example}.headers) >= 1, ${example}.device in (0, 1)`), "('bytes', True, True, True)");
  assert.match(await value('vigor["always_floods"].text'), /always_floods/);
  assert.equal(await value('[(c.property, c.verdict) for c in vigor.checks if c.property]'), "[('drops_short', 'holds'), ('always_floods', 'fails')]");
  assert.equal(await value('all(c.seconds >= 0 for c in vigor.checks)'), 'True');
  const missing = await kernel.run('vigor["nope"]');
  assert.ok(missing.summary.status === 'error' && /no property 'nope' was checked.*drops_short, always_floods/.test(missing.summary.error.evalue));
});

test('a later check replaces that property\'s result (cell or %verify); a new %nf starts empty', async () => {
  await kernel.run('%%property drops_short\nreturn ([], [])');
  assert.equal(await value('vigor["drops_short"].verdict'), "'fails'");
  await kernel.run('%verify drops_short');
  assert.equal(await value('vigor["drops_short"].verdict'), "'fails'");
  assert.equal((await kernel.run('%nf tests/programs/nfs/learner')).summary.status, 'ok');
  assert.equal(await value('vigor.properties'), '{}');
});

// Last: it replaces the interpreter.
test('vigor survives an interpreter that had to be replaced', async () => {
  await kernel.run('%%property drops_short\nif packet_size < 14:\n    return ([], [])');
  const stuck = kernel.run('sum(range(10**13))');
  setTimeout(() => kernel.session.interrupt(), 200);
  assert.equal(((await stuck).summary as { error?: { ename: string } }).error?.ename, 'PythonRestarted');
  assert.equal(await value('vigor["drops_short"].verdict'), "'holds'");
});
