// The kernel process without Jupyter: it answers kernel_info while Pyodide still loads, exits when orphaned,
// survives errors %%ts code throws after its cell (as `vigor run` does), stops a %%ts loop on SIGINT as Python's
// KeyboardInterrupt, and counts completion and inspection positions in code points as protocol 5.3 says.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { requestKernelInfo, ShellProbe, writeConnectionFile } from '../../kernel/startup-benchmark/kernel-probe.ts';

const directory = mkdtempSync(join(tmpdir(), 'vigor-kernel-process-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('kernel_info is answered within 3 s of spawning, with language python and status ok', async () => {
  const { path, info } = await writeConnectionFile(directory);
  const started = Date.now();
  const kernel = spawn(process.execPath, ['bin/vigor.js', 'kernel', 'start', '--connection-file', path], { stdio: 'ignore' });
  try {
    const reply = await requestKernelInfo(info, 10_000);
    assert.ok(Date.now() - started < 3000, `kernel_info took ${Date.now() - started} ms`);
    const content = reply.content as { status: string; language_info: { name: string; file_extension: string }; protocol_version: string };
    assert.equal(reply.header.msg_type, 'kernel_info_reply');
    assert.equal(content.status, 'ok');
    assert.equal(content.language_info.name, 'python');
    assert.equal(content.language_info.file_extension, '.py');
    assert.equal(content.protocol_version, '5.3');
  } finally {
    kernel.kill('SIGKILL');
  }
});

test('a kernel whose parent dies exits by itself', async () => {
  const { path, info } = await writeConnectionFile(directory);
  // A shell as the parent, killed without a chance to clean up, as a crashed Jupyter server would be.
  const parent = spawn('sh', ['-c', `"${process.execPath}" bin/vigor.js kernel start --connection-file "${path}" & echo $!; wait`], { stdio: ['ignore', 'pipe', 'ignore'] });
  const kernelPid = Number(await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
  try {
    await requestKernelInfo(info, 10_000);
    assert.ok(isRunning(kernelPid));
    parent.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while (isRunning(kernelPid) && Date.now() < deadline) await delay(100);
    assert.equal(isRunning(kernelPid), false, 'the orphaned kernel was still running 5 s after its parent died');
  } finally {
    if (isRunning(kernelPid)) process.kill(kernelPid, 'SIGKILL');
  }
});

/** A kernel process and a shell client to it, for `use`; the kernel is killed after. */
async function withKernel(use: (probe: ShellProbe, kernel: ReturnType<typeof spawn>) => Promise<void>): Promise<void> {
  const { path, info } = await writeConnectionFile(directory);
  const kernel = spawn(process.execPath, ['bin/vigor.js', 'kernel', 'start', '--connection-file', path], { stdio: 'ignore' });
  const probe = new ShellProbe(info, 60_000);
  try {
    await use(probe, kernel);
  } finally {
    probe.close();
    kernel.kill('SIGKILL');
  }
}

const content = (reply: { content: unknown }) => reply.content as Record<string, unknown>;

test('errors %%ts code throws after its cell (a timer, a rejected promise) do not end the kernel', async () => {
  await withKernel(async (probe, kernel) => {
    assert.equal(content(await probe.execute('x = 5')).status, 'ok');
    assert.equal(content(await probe.execute('%%ts\nsetTimeout(() => { throw new Error("later boom") }, 100); 1')).status, 'ok');
    assert.equal(content(await probe.execute('%%ts\nPromise.reject(new Error("rejected")); 2')).status, 'ok');
    await delay(500);
    assert.equal(kernel.exitCode, null, 'the kernel process ended');
    assert.equal(content(await probe.execute('x')).status, 'ok', 'Python\'s namespace is still there');
  });
});

test('SIGINT stops a synchronous %%ts loop with a KeyboardInterrupt that shows none of the kernel\'s frames', async () => {
  await withKernel(async (probe, kernel) => {
    // The first %%ts cell builds TypeScript's language service (seconds); the loop's cell then starts at once.
    assert.equal(content(await probe.execute('%%ts\n1')).status, 'ok');
    const running = probe.execute('%%ts\nwhile (true) {}');
    // A SIGINT that comes while tslab still converts the cell is lost (docs/PITFALLS.md): on a loaded machine the
    // conversion can outlast any delay, so the interrupt is repeated until the cell answers.
    let answered = false;
    const answer = running.finally(() => (answered = true));
    await delay(1500);
    while (!answered) {
      kernel.kill('SIGINT');
      await Promise.race([answer, delay(1000)]);
    }
    const reply = content(await answer);
    assert.equal(reply.status, 'error');
    assert.equal(reply.ename, 'KeyboardInterrupt');
    assert.doesNotMatch((reply.traceback as string[]).join('\n'), /node:vm|ts-magic|tslab|sigintHandlersWrap/);
    assert.equal(content(await probe.execute('%%ts\n2')).status, 'ok');
  });
});

test('complete and inspect count positions in code points (protocol 5.3), both ways, and clamp them to the code', async () => {
  await withKernel(async (probe) => {
    const complete = async (code: string, cursor_pos: number) => content(await probe.request('complete_request', { code, cursor_pos }));
    const codePoints = (text: string) => [...text].length;
    const property = '%%property p\n# 🎉🎉\nh = pop_header(ether, on_mismatch=([], []))\nh.';
    assert.deepEqual((await complete(property, codePoints(property))).matches, ['daddr', 'saddr', 'type']);
    assert.equal(content(await probe.execute('s = "text"')).status, 'ok');
    assert.deepEqual(await complete('"🎉🎉🎉"; s.up', 11), { status: 'ok', matches: ['s.upper()'], cursor_start: 7, cursor_end: 11, metadata: {} });
    const magic = await complete('# 🎉\n%nf br', 10);
    assert.deepEqual([magic.matches, magic.cursor_start, magic.cursor_end], [['bridge'], 8, 10]);
    const past = await complete('s.up', 999);
    assert.deepEqual([past.matches, past.cursor_start, past.cursor_end], [['s.upper()'], 0, 4], 'a cursor past the end is the end');
    const before = await complete('s.up', -4);
    assert.deepEqual([before.cursor_start, before.cursor_end], [0, 0], 'a negative cursor is the start');
    const inspect = async (code: string, cursor_pos: number) => content(await probe.request('inspect_request', { code, cursor_pos, detail_level: 0 }));
    const spec = await inspect('"🎉🎉🎉"; pop_header', 8);
    assert.equal(spec.found, true);
    assert.match(String((spec.data as Record<string, unknown>)['text/plain']), /^pop_header\(/);
  });
});

test('user_expressions are evaluated after a cell that succeeded, silent or not, each answered on its own (as ipykernel)', async () => {
  await withKernel(async (probe) => {
    const execute = async (code: string, user_expressions: Record<string, unknown>, silent = false) =>
      content(await probe.request('execute_request', { code, silent, store_history: !silent, user_expressions, allow_stdin: false, stop_on_error: false }));
    const cell = 'x = 41\nclass Page:\n    def _repr_html_(self):\n        return "<b>page</b>"';
    const ran = await execute(cell, { next: 'x + 1', broken: '1 / 0', page: 'Page()', statement: 'y = 1', number: 7 });
    assert.equal(ran.status, 'ok');
    const values = ran.user_expressions as Record<string, Record<string, unknown>>;
    assert.deepEqual(values.next, { status: 'ok', data: { 'text/plain': '42' }, metadata: {} });
    assert.deepEqual(values.broken, { status: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: [] });
    assert.equal((values.page!.data as Record<string, unknown>)['text/html'], '<b>page</b>');
    assert.equal(values.statement!.ename, 'SyntaxError');
    assert.deepEqual([values.number!.status, values.number!.ename], ['error', 'TypeError']);
    assert.match(String(values.number!.evalue), /"number" is 7, not a string of Python/);
    const quiet = await execute('x += 1', { now: 'x' }, true);
    assert.deepEqual((quiet.user_expressions as Record<string, unknown>).now, { status: 'ok', data: { 'text/plain': '42' }, metadata: {} });
    const failed = await execute('1 / 0', { now: 'x' });
    assert.deepEqual([failed.status, failed.user_expressions], ['error', {}]);
  });
});

test('vigor run puts the late errors of %%ts code in the notebook, on the cell running then or the next, and goes on', () => {
  const cell = (source: string) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      cell('x = 5'),
      cell('%%ts\nsetTimeout(() => { throw new Error("later boom") }, 100); 1'),
      cell('%%ts\nPromise.reject(new Error("rejected")); 2'),
      cell('import time\ntime.sleep(0.5)'),
      cell('x'),
    ],
  };
  const input = join(directory, 'late-errors.ipynb');
  const output = join(directory, 'late-errors.executed.ipynb');
  writeFileSync(input, JSON.stringify(notebook));
  const run = spawnSync(process.execPath, ['bin/vigor.js', 'run', input, '-o', output], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const cells = (JSON.parse(readFileSync(output, 'utf8')) as { cells: { outputs: { output_type: string; name?: string; text?: string | string[]; data?: Record<string, unknown> }[] }[] }).cells;
  const stderr = cells.map((c) => c.outputs.filter((o) => o.name === 'stderr').map((o) => [o.text ?? ''].flat().join('')).join(''));
  assert.match(stderr.slice(2).join(''), /Unhandled promise rejection: Error: rejected/);
  assert.match(stderr.slice(2).join(''), /Uncaught Error: later boom/);
  assert.deepEqual(cells[4]!.outputs.find((o) => o.output_type === 'execute_result')?.data, { 'text/plain': '5' });
  assert.match(run.stderr, /vigor kernel: %%ts code: Uncaught Error: later boom/, 'the kernel\'s log has it too');
});
