// What the kernel offers while a cell is written and asked about, through the cell handler: completion of magic
// arguments from the magics' own option definitions, is_complete in property and plain cells, spec names in plain
// cells, `name?` / `name??`, %lsmagic, %history, %%ts errors at the cell's lines and a %%ts interrupt.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelSession, text } from './session-harness.ts';

const kernel = kernelSession();
const run = kernel.run;
const complete = (code: string, cursorPos = code.length) => kernel.session.complete(code, cursorPos);

test('%nf completes NF folders (not Python names), its options and their values', async () => {
  assert.deepEqual(await complete('%nf br'), { matches: ['bridge'], cursorStart: 4, cursorEnd: 6 });
  assert.deepEqual((await complete('%nf tests/programs/nfs/lea')).matches, ['tests/programs/nfs/learner']);
  assert.ok((await complete('%nf tests/prog')).matches.includes('tests/programs/'), 'a folder that is no NF completes with a slash');
  assert.deepEqual((await complete('%nf bridge --la')).matches, ['--layers']);
  assert.deepEqual((await complete('%nf bridge --layers ')).matches, ['nf', 'nf,io', 'full']);
  assert.deepEqual((await complete('x = 1\n%nf brea')).matches, [], 'no Python name in a magic argument');
  assert.deepEqual((await complete('%history -')).matches.sort(), ['--grep', '--last', '--line-numbers']);
  assert.deepEqual((await complete('%bench br')).matches, ['bridge']);
  assert.deepEqual((await complete('%bench nop --pack')).matches, ['--packets']);
  assert.deepEqual((await complete('%plot tim')).matches, ['times']);
});

test('%verify completes the properties of the selected NF and of earlier cells', async () => {
  assert.deepEqual((await complete('%verify ')).matches, [], 'no NF selected: nothing to offer');
  assert.equal((await run('%nf tests/programs/nfs/learner')).summary.status, 'ok');
  assert.equal((await run('%%property drops_short\nif packet_size < 14:\n    return ([], [])')).summary.status, 'ok');
  assert.deepEqual((await complete('%verify dro')).matches, ['drops_short']);
});

test('is_complete keeps a block open in property cells as in plain cells, and a property may return at its top level', async () => {
  const session = kernel.session;
  assert.deepEqual(await session.isComplete('%%property p\nif packet_size < 14:'), { status: 'incomplete', indent: '    ' });
  assert.deepEqual(await session.isComplete('%%property p\nif packet_size < 14:\n    return ([], [])'), { status: 'incomplete', indent: '    ' });
  assert.deepEqual(await session.isComplete('%%property p\nreturn ([], [])'), { status: 'incomplete', indent: '' }, 'a cell magic ends with an empty line');
  assert.deepEqual(await session.isComplete('%%property p\nreturn ([], [])\n'), { status: 'complete' });
  assert.deepEqual(await session.isComplete('%%property p\nh = pop_header(ether,\n'), { status: 'incomplete', indent: '' }, 'an open parenthesis stays open');
  assert.deepEqual(await session.isComplete('%%property p\nreturn = 7q\n'), { status: 'invalid' });
  assert.deepEqual(await session.isComplete('# property: p\nfor d in range(2):'), { status: 'incomplete', indent: '    ' });
  assert.deepEqual(await session.isComplete('# property: p\nreturn ([], [])'), { status: 'complete' });
  assert.deepEqual(await session.isComplete('%nf bridge\nwhile n:'), { status: 'incomplete', indent: '    ' });
  assert.deepEqual(await session.isComplete('return 1'), { status: 'invalid' }, 'in a plain cell a top-level return is Python\'s error');
});

test('spec names complete and are documented in plain cells too, after Python\'s own', async () => {
  const found = await complete('h = pop_hea');
  assert.deepEqual(found, { matches: ['pop_header'], cursorStart: 4, cursorEnd: 11 });
  assert.ok((await complete('eth')).matches.includes('ether'));
  assert.deepEqual((await complete('str.isdig')).matches, ['str.isdigit'], 'members after a dot are Python\'s alone');
  assert.match(text(await kernel.session.inspect('x = pop_header', 8, 0)), /^pop_header\(/);
  assert.match(text(await kernel.session.inspect('received_on_port', 3, 0)), /received_on_port/);
  await run('ether = "a Python value"');
  assert.match(text(await kernel.session.inspect('ether', 2, 0)), /Type: str/, 'a Python name of the same spelling is documented first');
});

test('Python\'s completion counts code points: its range is converted to the session\'s string indices', async () => {
  await run('s = "text"');
  const code = '"🎉🎉🎉"; s.up + "!"';
  const cursor = code.indexOf(' +');
  assert.deepEqual(await complete(code, cursor), { matches: ['s.upper()'], cursorStart: cursor - 4, cursorEnd: cursor });
});

test('name? and name?? show what inspection shows; an unknown name says so', async () => {
  const shown = await run('len?');
  assert.equal(shown.summary.status, 'ok');
  assert.match(text(shown.sink.displays[0]?.data), /Signature: len\(obj, \/\)[\s\S]*Docstring/);
  await run('def double(x):\n    "Twice x."\n    return 2 * x');
  assert.match(text((await run('double??')).sink.displays[0]?.data), /Source:\ndef double/);
  assert.doesNotMatch(text((await run('?double')).sink.displays[0]?.data), /Source:/);
  assert.match(text((await run('pop_header?')).sink.displays[0]?.data), /^pop_header\(/);
  assert.match(text((await run('%verify?')).sink.displays[0]?.data), /^%verify: verify properties/);
  assert.deepEqual((await run('no_such_thing?')).sink.streams, [{ name: 'stdout', text: 'Object `no_such_thing` not found.\n' }]);
  assert.equal((await run('x = 3 if True else 4\nx')).summary.status, 'ok', 'a ? inside code is not a help request');
});

test('%lsmagic lists every magic with what it does', async () => {
  const listed = text((await run('%lsmagic')).sink.results[0]);
  for (const magic of ['%nf', '%verify', '%history', '%lsmagic', '%bench', '%plot', '%%property', '%%ts']) assert.match(listed, new RegExp(`^  ${magic} +\\S`, 'm'), magic);
  assert.match(listed, /Line magics[\s\S]*Cell magics/);
  assert.equal((await run('%lsmagic --all')).summary.status === 'error' ? 'UsageError' : '', 'UsageError');
});

test('%history prints inputs by range, the last N, or a pattern, with line numbers on -n', async () => {
  const first = (await run('alpha = 1')).summary.executionCount;
  await run('beta = 2\nbeta');
  await run('gamma = 3');
  const stdout = async (cell: string) => (await run(cell)).sink.streams.map((s) => s.text).join('');
  assert.equal(await stdout(`%history ${first}-${first + 1}`), 'alpha = 1\nbeta = 2\nbeta\n');
  assert.equal(await stdout(`%history -n ${first + 1}`), `${String(first + 1).padStart(4)}: beta = 2\n      beta\n`);
  assert.equal(await stdout('%history -l 1'), `%history -n ${first + 1}\n`);
  assert.equal(await stdout('%history -g gamm'), 'gamma = 3\n');
  const wrong = await run('%history 0-x');
  assert.ok(wrong.summary.status === 'error' && wrong.summary.error.ename === 'UsageError');
  assert.match(wrong.summary.error.evalue, /positive whole number, not "0"/);
});

test('a %%ts exception is at the cell\'s line, with the cell\'s frames only', async () => {
  const { summary } = await run('%%ts\nfunction parse(text: string): number {\n  return (null as any).length;\n}\nparse("1");');
  assert.ok(summary.status === 'error');
  assert.equal(summary.error.ename, 'TypeError');
  const traceback = summary.error.traceback.join('\n');
  const cell = `Cell In[${summary.executionCount}]`;
  assert.ok(traceback.startsWith(`${cell}, line 3\n    return (null as any).length;\nTypeError: Cannot read properties of null`), traceback);
  assert.match(traceback, new RegExp(`at parse \\(${cell.replace(/[[\]]/g, '\\$&')}, line 3\\)\n    at ${cell.replace(/[[\]]/g, '\\$&')}, line 5$`));
  assert.doesNotMatch(traceback, /evalmachine|kernel-session|tslab|node:vm/);
});

test('an interrupt while a %%ts cell awaits is a KeyboardInterrupt, without the kernel\'s frames', async () => {
  const running = run('%%ts\nawait new Promise((resolve) => setTimeout(resolve, 30_000).unref());');
  setTimeout(() => kernel.session.interrupt(), 3000);
  const { summary } = await running;
  assert.ok(summary.status === 'error');
  assert.deepEqual(summary.error, { ename: 'KeyboardInterrupt', evalue: '', traceback: ['KeyboardInterrupt'] });
});
