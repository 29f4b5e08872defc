// The cell handler with real Pyodide: what a front end receives for each kind of cell.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { KernelSession } from '../../kernel/kernel-session.ts';
import type { CellError, DisplayItem, MimeBundle, OutputSink } from '../../kernel/session/output.ts';

type Recorded =
  | { kind: 'stream'; name: string; text: string }
  | { kind: 'display' | 'update'; item: DisplayItem }
  | { kind: 'result'; count: number; data: MimeBundle }
  | { kind: 'error'; error: CellError }
  | { kind: 'clear'; wait: boolean };

class RecordingSink implements OutputSink {
  readonly events: Recorded[] = [];
  stream(name: string, text: string) { this.events.push({ kind: 'stream', name, text }); }
  displayData(item: DisplayItem) { this.events.push({ kind: 'display', item }); }
  updateDisplayData(item: DisplayItem) { this.events.push({ kind: 'update', item }); }
  executeResult(count: number, data: MimeBundle) { this.events.push({ kind: 'result', count, data }); }
  error(error: CellError) { this.events.push({ kind: 'error', error }); }
  clearOutput(wait: boolean) { this.events.push({ kind: 'clear', wait }); }
}

let session: KernelSession;

before(async () => {
  session = new KernelSession({ workingDirectory: process.cwd() });
  await session.python.whenReady();
});
after(() => session.close());

async function run(code: string, options = { silent: false, storeHistory: true }) {
  const sink = new RecordingSink();
  const summary = await session.execute(code, sink, options);
  return { summary, events: sink.events };
}

test('stdout streams in order before the value of the last expression, which is the execute_result', async () => {
  const { summary, events } = await run('total = 0\nfor i in range(4):\n    print(i, end=" ")\n    total += i\ntotal * 10');
  assert.equal(summary.status, 'ok');
  assert.deepEqual(events, [
    { kind: 'stream', name: 'stdout', text: '0 1 2 3 ' },
    { kind: 'result', count: summary.executionCount, data: { 'text/plain': '60' } },
  ]);
});

test('variables persist between cells; a trailing semicolon or None shows no result', async () => {
  await run('kept = [1, 2]');
  const appended = await run('kept.append(3); kept');
  assert.deepEqual(appended.events, [{ kind: 'result', count: appended.summary.executionCount, data: { 'text/plain': '[1, 2, 3]' } }]);
  assert.deepEqual((await run('kept;')).events, []);
  assert.deepEqual((await run('None')).events, []);
});

test('an exception is an error with the Python traceback in cell line numbers, and stderr is a stream', async () => {
  const { summary, events } = await run('import sys\nprint("warn", file=sys.stderr)\ndef f(x):\n    return 1 / x\nf(0)');
  assert.equal(summary.status, 'error');
  assert.deepEqual(events[0], { kind: 'stream', name: 'stderr', text: 'warn\n' });
  const error = events[1];
  assert.ok(error?.kind === 'error');
  assert.equal(error.error.ename, 'ZeroDivisionError');
  assert.equal(error.error.evalue, 'division by zero');
  const text = error.error.traceback.join('\n');
  assert.match(text, new RegExp(`File "Cell In\\[${summary.executionCount}\\]", line 5, in <module>`));
  assert.match(text, /line 4, in f\n\s+return 1 \/ x/);
  assert.doesNotMatch(text, /kernel_runtime|python-worker|pyodide/, 'no frames of the kernel itself');
});

test('a syntax error points at its line and column of the cell, after line magics were taken out', async () => {
  session.magics.register({ name: 'noop', kind: 'line', summary: 'does nothing', run: async () => ({ status: 'ok' }) });
  const { events } = await run('%noop\nx = 1\ny = (2 +\n');
  const error = events.at(-1);
  assert.ok(error?.kind === 'error');
  assert.equal(error.error.ename, 'SyntaxError');
  assert.match(error.error.traceback.join('\n'), /line 3/);
});

test('display, update_display and clear_output reach the sink as rich output with a display id', async () => {
  const { events } = await run('h = display(HTML("<b>50%</b>"), display_id=True)\nh.update(HTML("<b>100%</b>"))\nclear_output(wait=True)\ndisplay({"text/plain": "t", "application/json": {"a": 1}}, raw=True)');
  assert.equal(events.length, 4);
  const [shown, updated, cleared, raw] = events;
  assert.ok(shown.kind === 'display' && updated.kind === 'update');
  assert.equal(shown.item.data['text/html'], '<b>50%</b>');
  assert.equal(updated.item.data['text/html'], '<b>100%</b>');
  assert.ok(shown.item.displayId && shown.item.displayId === updated.item.displayId);
  assert.deepEqual(cleared, { kind: 'clear', wait: true });
  assert.ok(raw.kind === 'display');
  assert.deepEqual(raw.item.data, { 'text/plain': 't', 'application/json': { a: 1 } });
});

test('IPython.display, as notebooks import it, gives the same helpers; the rest of IPython is an ImportError', async () => {
  const { summary, events } = await run('from IPython.display import display, HTML, Markdown, clear_output\nimport IPython.display\ndisplay(HTML("<i>a</i>"))\nIPython.display.Markdown("*b*")');
  assert.equal(summary.status, 'ok');
  const [shown, result] = events;
  assert.ok(shown?.kind === 'display' && result?.kind === 'result');
  assert.equal(shown.item.data['text/html'], '<i>a</i>');
  assert.equal(result.data['text/markdown'], '*b*');
  const missing = await run('from IPython.display import Image');
  assert.ok(missing.summary.status === 'error');
  assert.equal(missing.summary.error.ename, 'ImportError');
});

test('a shell command line (!ls, files = !ls) is a UsageError saying the kernel has no shell and what can run one, not invalid syntax', async () => {
  const { summary } = await run('x = 1\n  !ls -l');
  assert.ok(summary.status === 'error');
  assert.equal(summary.error.ename, 'UsageError');
  assert.match(summary.error.evalue, /^line 2: '!ls -l' is a shell command, which this kernel does not run: .*Pyodide.*%%ts.*child_process/);
  const captured = await run('if True:\n    files, errors = !ls');
  assert.ok(captured.summary.status === 'error');
  assert.match(captured.summary.error.evalue, /^line 2: 'files, errors = !ls' is a shell command, which this kernel does not run/);
  const other = await run('x = (1 +\n!ls');
  assert.ok(other.summary.status === 'error');
  assert.equal(other.summary.error.ename, 'SyntaxError', 'an error elsewhere stays what it is');
});

test('objects with _repr_html_ give text/html next to text/plain', async () => {
  const { events } = await run('class Table:\n    def _repr_html_(self):\n        return "<table></table>"\n    def __repr__(self):\n        return "Table()"\nTable()');
  const result = events.at(-1);
  assert.ok(result?.kind === 'result');
  assert.deepEqual(result.data, { 'text/html': '<table></table>', 'text/plain': 'Table()' });
});

test('an interrupt stops a busy Python loop within 2 s, keeps the variables, and the next cell runs', async () => {
  await run('spins = 0');
  const running = run('while True:\n    spins += 1');
  setTimeout(() => session.interrupt(), 500);
  const started = Date.now();
  const { summary, events } = await running;
  assert.ok(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
  assert.ok(summary.status === 'error' && summary.error.ename === 'KeyboardInterrupt');
  assert.deepEqual(events.map((event) => event.kind), ['error']);
  const next = await run('spins > 0');
  assert.deepEqual(next.events.at(-1), { kind: 'result', count: next.summary.executionCount, data: { 'text/plain': 'True' } });
});

test('every interrupt of `while True: pass` stops it (Pyodide drops about one flag in ten: the kernel raises it again)', async () => {
  for (let round = 0; round < 12; round++) {
    const running = run('while True: pass');
    setTimeout(() => session.interrupt(), 200);
    const { summary } = await running;
    assert.ok(summary.status === 'error' && summary.error.ename === 'KeyboardInterrupt', `round ${round}: ${JSON.stringify(summary)}`);
  }
});

test('a cell that catches KeyboardInterrupt finishes its handling uninterrupted', async () => {
  const code = 'import time\ntry:\n    while True: pass\nexcept KeyboardInterrupt:\n    until = time.monotonic() + 1\n    while time.monotonic() < until: pass\n    print("cleaned up")';
  const running = run(code);
  setTimeout(() => session.interrupt(), 300);
  const { summary, events } = await running;
  assert.equal(summary.status, 'ok', JSON.stringify(summary));
  assert.deepEqual(events, [{ kind: 'stream', name: 'stdout', text: 'cleaned up\n' }]);
});

test('a SIGINT handler a cell installs is called once per interrupt, as in Python: the cell goes on and keeps its variables', async () => {
  // The kernel raises an interrupt again until Python takes it, and replaces an interpreter that does not end the
  // cell within its grace (3 s): it must know that the user's handler ran, whatever that handler does.
  const spin = (seconds: number) => `until = time.monotonic() + ${seconds}\nwhile time.monotonic() < until: pass\n`;
  const counted = `import signal, time\ncalls = []\nprevious = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))\n${spin(1.5)}print(len(calls), previous is signal.default_int_handler, signal.getsignal(signal.SIGINT) is not previous)`;
  let running = run(counted);
  setTimeout(() => session.interrupt(), 300);
  let { summary, events } = await running;
  assert.equal(summary.status, 'ok', JSON.stringify(summary));
  assert.deepEqual(events, [{ kind: 'stream', name: 'stdout', text: '1 True True\n' }]);
  // Ignored, past the grace: the cell ends by itself, in the same interpreter.
  running = run(`signal.signal(signal.SIGINT, signal.SIG_IGN)\n${spin(3.5)}signal.signal(signal.SIGINT, previous)\nprint(calls)`);
  setTimeout(() => session.interrupt(), 300);
  ({ summary, events } = await running);
  assert.equal(summary.status, 'ok', JSON.stringify(summary));
  assert.deepEqual(events, [{ kind: 'stream', name: 'stdout', text: '[2]\n' }]);
  // Python's own handler again: an interrupt is a KeyboardInterrupt.
  running = run('while True: pass');
  setTimeout(() => session.interrupt(), 200);
  ({ summary } = await running);
  assert.ok(summary.status === 'error' && summary.error.ename === 'KeyboardInterrupt', JSON.stringify(summary));
});

test('time.sleep of NaN is a ValueError, as in Python, not a wait without end', async () => {
  const { summary } = await run('import time\ntime.sleep(float("nan"))');
  assert.ok(summary.status === 'error' && summary.error.ename === 'ValueError', JSON.stringify(summary));
});

test('time.sleep is interruptible too', async () => {
  const running = run('import time\ntime.sleep(30)');
  setTimeout(() => session.interrupt(), 300);
  const started = Date.now();
  const { summary } = await running;
  assert.ok(Date.now() - started < 2000);
  assert.ok(summary.status === 'error' && summary.error.ename === 'KeyboardInterrupt');
});

test('a sleep whose interrupt a handler takes without raising sleeps out the rest, as Python does (PEP 475)', async () => {
  const code =
    'import signal, time\ncalls = []\nprevious = signal.signal(signal.SIGINT, lambda signum, frame: calls.append(signum))\n' +
    'started = time.monotonic()\ntime.sleep(1.2)\nslept = time.monotonic() - started\nsignal.signal(signal.SIGINT, previous)\n(len(calls), slept > 1.1)';
  const running = run(code);
  setTimeout(() => session.interrupt(), 300);
  const { summary, events } = await running;
  assert.equal(summary.status, 'ok', JSON.stringify(events));
  assert.deepEqual(events.at(-1), { kind: 'result', count: summary.executionCount, data: { 'text/plain': '(1, True)' } });
});

test('an interrupt that comes before Python has picked the cell up stops that cell when it starts, not the one still running', async () => {
  // The worker is busy with a first request while the second, queued behind it, is interrupted.
  const first = session.python.execute('import time\nbusy_until = time.time() + 1.5\nwhile time.time() < busy_until: pass\n"first done"', '<first>', new RecordingSink(), new AbortController().signal);
  const interrupt = new AbortController();
  const second = session.python.execute('while True: pass', '<second>', new RecordingSink(), interrupt.signal);
  await new Promise((resolve) => setTimeout(resolve, 300));
  interrupt.abort();
  const [firstOutcome, secondOutcome] = await Promise.all([first, second]);
  assert.equal(firstOutcome.status, 'ok', 'the interrupt is not for the running request');
  assert.ok(secondOutcome.status === 'error' && secondOutcome.error.ename === 'KeyboardInterrupt', `the queued cell is interrupted, not left to the restart: ${JSON.stringify(secondOutcome)}`);
});

/** A front end that answers input requests: what it was asked (and what was printed before), and its answers in turn. */
class KeyboardSink extends RecordingSink {
  readonly asked: { prompt: string; password: boolean; printedBefore: string }[] = [];
  constructor(private readonly answers: (string | Promise<string>)[], private readonly onAsked?: () => void) {
    super();
  }
  readInput(prompt: string, password: boolean): Promise<string> {
    const printedBefore = this.events.flatMap((event) => (event.kind === 'stream' ? [event.text] : [])).join('');
    this.asked.push({ prompt, password, printedBefore });
    this.onAsked?.();
    return Promise.resolve(this.answers.shift() ?? new Promise<string>(() => undefined));
  }
}

test('where the front end can be asked, input(), getpass and sys.stdin.readline() return what the user typed', async () => {
  const sink = new KeyboardSink(['Ada', 's3cret', '42']);
  const code = 'import getpass, sys\nprint("before", end="")\nname = input("Name? ")\nsecret = getpass.getpass()\nline = sys.stdin.readline()\n(name, secret, line)';
  const summary = await session.execute(code, sink, { silent: false, storeHistory: true });
  assert.equal(summary.status, 'ok', JSON.stringify(sink.events));
  assert.deepEqual(sink.asked, [
    { prompt: 'Name? ', password: false, printedBefore: 'before' },
    { prompt: 'Password: ', password: true, printedBefore: 'before' },
    { prompt: '', password: false, printedBefore: 'before' },
  ]);
  assert.deepEqual(sink.events.at(-1), { kind: 'result', count: summary.executionCount, data: { 'text/plain': "('Ada', 's3cret', '42\\n')" } });
  const endless = await session.execute('import sys\nsys.stdin.read()', new KeyboardSink([]), { silent: false, storeHistory: true });
  assert.ok(endless.status === 'error' && /^sys\.stdin\.read\(\) reads until the end of input/.test(endless.error.evalue), JSON.stringify(endless));
});

test('an interrupt ends a wait for the keyboard with KeyboardInterrupt; an answer that comes later is not the next input\'s', async () => {
  const interrupt = new AbortController();
  let answerLate!: (value: string) => void;
  const late = new Promise<string>((resolve) => (answerLate = resolve));
  const waiting = new KeyboardSink([late], () => setTimeout(() => interrupt.abort(), 200));
  const outcome = await session.python.execute('input("answered too late? ")', '<wait>', waiting, interrupt.signal);
  assert.ok(outcome.status === 'error' && outcome.error.ename === 'KeyboardInterrupt', JSON.stringify(outcome));
  // The front end answers the interrupted prompt only when the next cell asks, just before that cell's own answer.
  const fresh = new Promise<string>((resolve) => setTimeout(() => resolve('fresh'), 50));
  const next = new KeyboardSink([fresh], () => answerLate('stale'));
  const answered = await session.python.execute('input("again? ")', '<again>', next, new AbortController().signal);
  assert.deepEqual(answered, { status: 'ok', result: { data: { 'text/plain': "'fresh'" }, metadata: {} } });
});

test('where the front end cannot be asked, input(), getpass and sys.stdin fail saying so, the prompt in the cell\'s output, nothing on the process\'s stderr', async () => {
  // The worker thread's console reaches the process's stderr through this write (stdout is the test runner's).
  const leaked: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => leaked.push(String(chunk)) > 0) as typeof write;
  const unavailable = (what: string) => `${what} is not available here: this front end does not take input from the keyboard (it sent allow_stdin false, or runs the notebook unattended, as vigor run and nbconvert do); set the value in the cell instead`;
  try {
    for (const [code, what] of [['import sys\nsys.stdin.readline()', 'sys.stdin.readline()'], ['input("name? ")', 'input()']]) {
      const { summary, events } = await run(code);
      assert.ok(summary.status === 'error', code);
      assert.equal(summary.error.ename, 'RuntimeError');
      assert.equal(summary.error.evalue, unavailable(what));
      assert.deepEqual(events.filter((event) => event.kind === 'stream'), what === 'input()' ? [{ kind: 'stream', name: 'stdout', text: 'name? ' }] : []);
    }
    const { summary, events } = await run('import getpass\ngetpass.getpass("Secret: ")');
    assert.ok(summary.status === 'error' && summary.error.evalue === unavailable('getpass()'), JSON.stringify(summary));
    assert.deepEqual(events.filter((event) => event.kind === 'stream'), [{ kind: 'stream', name: 'stdout', text: 'Secret: ' }]);
    const { summary: below } = await run('import os\nos.read(0, 10)');
    assert.ok(below.status === 'error' && below.error.ename === 'OSError', 'a read below sys.stdin fails plainly');
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(leaked, []);
});

test('silent execution shows nothing and does not advance the execution count', async () => {
  const before = (await run('1')).summary.executionCount;
  const silent = await run('print("hidden")\n2', { silent: true, storeHistory: false });
  assert.deepEqual(silent.events, []);
  assert.equal(silent.summary.executionCount, before);
  assert.equal((await run('3')).summary.executionCount, before + 1);
});

test('history holds stored cells with their text/plain result', async () => {
  const { summary } = await run('"remember me"');
  const rows = session.historyQuery({ kind: 'tail', n: 1 }, true);
  assert.deepEqual(rows, [[1, summary.executionCount, ['"remember me"', "'remember me'"]]]);
});

test('completion offers names of the namespace and attributes; magics after %%', async () => {
  await run('network_function_count = 3');
  assert.deepEqual(await session.complete('x = network_fu', 14), { matches: ['network_function_count'], cursorStart: 4, cursorEnd: 14 });
  const attributes = await session.complete('str.startsw', 11);
  assert.deepEqual(attributes.matches, ['str.startswith']);
  assert.deepEqual((await session.complete('%%t', 3)).matches, ['%%ts']);
});

test('an extra completion source (as the engine will add) is merged with Python names', async () => {
  session.addCompletionSource({
    async complete(code, cursorPos) {
      const typed = /\w*$/.exec(code.slice(0, cursorPos))![0];
      return { matches: ['network_header_field'].filter((name) => name.startsWith(typed)), cursorStart: cursorPos - typed.length, cursorEnd: cursorPos };
    },
  });
  assert.deepEqual(new Set((await session.complete('network_', 8)).matches), new Set(['network_header_field', 'network_function_count']));
});

test('inspection documents Python objects, including functions defined in cells, and magics', async () => {
  await run('def checksum(data: bytes) -> int:\n    """Internet checksum of data."""\n    return 0');
  const doc = await session.inspect('checksum(b"")', 3, 0);
  assert.match(String(doc?.['text/plain']), /Signature: checksum\(data: bytes\) -> int[\s\S]*Internet checksum of data/);
  const source = await session.inspect('checksum', 8, 1);
  assert.match(String(source?.['text/plain']), /Source:\ndef checksum/);
  assert.match(String((await session.inspect('%%ts', 2, 0))?.['text/plain']), /%%ts: run the cell as TypeScript/);
  assert.equal(await session.inspect('no_such_name', 5, 0), undefined);
});

test('is_complete: Python statements, open blocks, invalid code and cell magics', async () => {
  assert.deepEqual(await session.isComplete('x = 1'), { status: 'complete' });
  assert.deepEqual(await session.isComplete('if x:'), { status: 'incomplete', indent: '    ' });
  assert.deepEqual(await session.isComplete('if x:\n    y = 1'), { status: 'incomplete', indent: '    ' });
  assert.deepEqual(await session.isComplete('x = = 1'), { status: 'invalid' });
  assert.deepEqual(await session.isComplete('%%ts\nlet a = 1'), { status: 'incomplete', indent: '' });
  assert.deepEqual(await session.isComplete('%%ts\nlet a = 1\n'), { status: 'complete' });
});

test('an unknown magic is an error listing the known ones', async () => {
  const { summary } = await run('%%verfy\nbody');
  assert.ok(summary.status === 'error');
  assert.match(summary.error.evalue, /%%verfy \(line 1\) is not a magic of this kernel; known magics: .*%%ts/);
});

test('a registered magic runs with its arguments and sees the interrupt through its signal', async () => {
  session.magics.register({
    name: 'wait',
    kind: 'line',
    summary: 'waits until interrupted',
    run: ({ args }, { sink, signal }) =>
      new Promise((resolve) => {
        sink.stream('stdout', `waiting for ${args}\n`);
        signal.addEventListener('abort', () => resolve({ status: 'error', error: { ename: 'Interrupted', evalue: 'stopped', traceback: [] } }));
      }),
  });
  const running = run('%wait the engine');
  setTimeout(() => session.interrupt(), 100);
  const { summary, events } = await running;
  assert.deepEqual(events[0], { kind: 'stream', name: 'stdout', text: 'waiting for the engine\n' });
  assert.ok(summary.status === 'error' && summary.error.ename === 'Interrupted');
});

test('%%ts runs TypeScript with console output; type errors are cell errors with cell line numbers', async () => {
  const ok = await run('%%ts\nconst doubled: number = 21 * 2;\nconsole.log(`doubled is ${doubled}`);');
  assert.equal(ok.summary.status, 'ok');
  assert.deepEqual(ok.events, [{ kind: 'stream', name: 'stdout', text: 'doubled is 42\n' }]);
  const bad = await run('%%ts\nconst n: number = 1;\nconst s: string = n;');
  assert.ok(bad.summary.status === 'error');
  assert.equal(bad.summary.error.ename, 'TypeScriptError');
  assert.match(bad.summary.error.evalue, /^3:7 - Type 'number' is not assignable to type 'string'/);
});

// Last: it replaces the interpreter, so the variables of the tests above are gone afterwards.
test('Python stuck in C code past the interrupt grace is replaced, the user is told, and the next cell runs', async () => {
  await run('kept_before = 1');
  const running = run('sum(range(10**13))');
  setTimeout(() => session.interrupt(), 200);
  const { summary } = await running;
  assert.ok(summary.status === 'error');
  assert.equal(summary.error.ename, 'PythonRestarted');
  assert.match(summary.error.evalue, /did not stop within 3 s.*variables of earlier cells are lost/);
  const next = await run('"kept_before" in globals()');
  assert.deepEqual(next.events, [{ kind: 'result', count: next.summary.executionCount, data: { 'text/plain': 'False' } }]);
});
