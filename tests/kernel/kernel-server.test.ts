// The protocol server over real ZeroMQ sockets with a scripted cell handler (no Python): requests whose content has
// the wrong types are error replies naming the field, comm_open is answered with comm_close (the kernel has no comm
// targets), and a cell sent on control runs after the shell cell running, not beside it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import * as zmq from 'zeromq';
import { endpoint } from '../../kernel/protocol/connection.ts';
import { KernelServer } from '../../kernel/protocol/kernel-server.ts';
import { decodeMessage, MessageSigner, type JupyterMessage } from '../../kernel/protocol/wire.ts';
import type { CellHandler, ExecuteSummary } from '../../kernel/session/cell-handler.ts';
import { ShellProbe, writeConnectionFile } from '../../kernel/startup-benchmark/kernel-probe.ts';

/** Runs every cell at once, except `wait`, which runs until `release()`; it records when each starts. */
class ScriptedCells implements CellHandler {
  readonly started: string[] = [];
  private waiting: (() => void) | undefined;
  private count = 0;

  async execute(code: string): Promise<ExecuteSummary> {
    this.started.push(code);
    if (code === 'wait') await new Promise<void>((resolve) => (this.waiting = resolve));
    return { status: 'ok', executionCount: ++this.count };
  }

  release(): void {
    this.waiting?.();
  }

  interrupt(): void {}
  complete = async (_code: string, cursorPos: number) => ({ matches: [], cursorStart: cursorPos, cursorEnd: cursorPos });
  inspect = async () => undefined;
  isComplete = async () => ({ status: 'complete' as const });
  userExpressions = async () => ({});
  historyQuery = () => [];
}

const directory = mkdtempSync(join(tmpdir(), 'vigor-kernel-server-'));
const cells = new ScriptedCells();
let server: KernelServer;
let shell: ShellProbe;
let control: ShellProbe;
/** A second control client: one probe waits for one reply at a time. */
let control2: ShellProbe;
let iopub: zmq.Subscriber;
const published: JupyterMessage[] = [];

before(async () => {
  const { info } = await writeConnectionFile(directory);
  server = new KernelServer({ connection: info, session: cells, onShutdown: () => {} });
  await server.start();
  shell = new ShellProbe(info, 10_000);
  control = new ShellProbe(info, 10_000, 'control');
  control2 = new ShellProbe(info, 10_000, 'control');
  iopub = new zmq.Subscriber({ linger: 0 });
  iopub.connect(endpoint(info, info.iopub_port));
  iopub.subscribe();
  const signer = new MessageSigner(info.key, info.signature_scheme);
  void (async () => {
    for await (const frames of iopub) published.push(decodeMessage(frames, signer));
  })().catch(() => {});
  // A subscription takes effect some time after connecting: until a status arrives, iopub messages may be lost.
  while (published.length === 0) {
    await shell.request('kernel_info_request');
    await delay(50);
  }
});

after(() => {
  shell.close();
  control.close();
  control2.close();
  iopub.close();
  server.close();
  rmSync(directory, { recursive: true, force: true });
});

const content = (reply: JupyterMessage) => reply.content as Record<string, unknown>;

/** The iopub messages of the request `msgId`, once its idle status arrived. */
async function iopubOf(msgId: string): Promise<JupyterMessage[]> {
  const of = () => published.filter((message) => (message.parent_header as { msg_id?: string }).msg_id === msgId);
  const deadline = Date.now() + 10_000;
  while (!of().some((message) => message.header.msg_type === 'status' && content(message).execution_state === 'idle')) {
    assert.ok(Date.now() < deadline, `no idle status for ${msgId}`);
    await delay(20);
  }
  return of();
}

test('an execute_request whose code is no string, or is missing, is an error reply naming the field, and nothing runs', async () => {
  for (const [given, found] of [[42, 'the number 42'], [['print(1)'], 'an array'], [null, 'null'], [undefined, 'is missing']] as const) {
    const reply = content(await shell.request('execute_request', { code: given, silent: false }));
    assert.equal(reply.status, 'error');
    assert.equal(reply.ename, 'InvalidRequest');
    assert.match(String(reply.evalue), new RegExp(`^execute_request: content\\.code (is )?${found.replace(/^is /, '')}.*; it must be a string \\(the cell's source\\)$`));
    assert.equal(reply.execution_count, null);
  }
  for (const [field, value, expected] of [['silent', 'yes', 'true or false'], ['store_history', 'no', 'true or false'], ['user_expressions', [1, 2], 'an object']] as const) {
    const reply = content(await shell.request('execute_request', { code: '1', [field]: value }));
    assert.equal(reply.status, 'error', field);
    assert.match(String(reply.evalue), new RegExp(`content\\.${field} is .*; it must be ${expected}$`));
  }
  assert.deepEqual(cells.started, []);
  assert.equal(content(await shell.request('execute_request', { code: '1' })).status, 'ok', 'optional fields may be left out');
  cells.started.length = 0;
});

test('complete, inspect, is_complete and history requests check their fields the same way', async () => {
  const refused = async (msgType: string, request: Record<string, unknown>, evalue: RegExp) => {
    const reply = content(await shell.request(msgType, request));
    assert.deepEqual([reply.status, reply.ename], ['error', 'InvalidRequest'], msgType);
    assert.match(String(reply.evalue), evalue);
  };
  await refused('complete_request', { code: 'ab', cursor_pos: '1' }, /^complete_request: content\.cursor_pos is the string "1"; it must be a whole number$/);
  await refused('complete_request', { cursor_pos: 0 }, /content\.code is missing; it must be a string/);
  await refused('inspect_request', { code: 7, cursor_pos: 0 }, /^inspect_request: content\.code is the number 7/);
  await refused('inspect_request', { code: 'x', cursor_pos: 1.5 }, /content\.cursor_pos is the number 1\.5/);
  await refused('is_complete_request', {}, /^is_complete_request: content\.code is missing/);
  await refused('history_request', {}, /^history_request: content\.hist_access_type is missing; it must be one of "range", "tail", "search"$/);
  await refused('history_request', { hist_access_type: 'tail', n: '3' }, /content\.n is the string "3"; it must be a whole number/);
  await refused('history_request', { hist_access_type: 'tail', output: 1 }, /content\.output is the number 1; it must be true or false/);
  assert.equal(content(await shell.request('complete_request', { code: 'ab' })).cursor_end, 2, 'no cursor is the end of the code');
  assert.deepEqual(content(await shell.request('history_request', { hist_access_type: 'tail', n: 3, output: false, raw: true })), { status: 'ok', history: [] });
});

test('comm_open for a target the kernel does not have is answered with its comm_close; comm_msg and comm_close are ignored', async () => {
  const open = await shell.send('comm_open', { comm_id: 'c-1', target_name: 'jupyter.widget', data: {} });
  const closing = (await iopubOf(open)).filter((message) => message.header.msg_type === 'comm_close');
  assert.deepEqual(closing.map(content), [{ comm_id: 'c-1', data: {} }]);
  for (const msgType of ['comm_msg', 'comm_close']) {
    const sent = await shell.send(msgType, { comm_id: 'c-2', data: {} });
    assert.deepEqual((await iopubOf(sent)).map((message) => message.header.msg_type), ['status', 'status'], msgType);
  }
  assert.deepEqual(content(await shell.request('comm_info_request', {})), { status: 'ok', comms: {} });
});

test('a cell sent on control is answered there, after the shell cell running (one cell at a time)', async () => {
  const running = shell.request('execute_request', { code: 'wait' });
  while (!cells.started.includes('wait')) await delay(10);
  const onControl = control.request('execute_request', { code: 'from control' });
  assert.equal(content(await control2.request('kernel_info_request')).status, 'ok', 'control still answers at once');
  await delay(200);
  assert.deepEqual(cells.started, ['wait'], 'the control cell started while the shell cell ran');
  cells.release();
  assert.equal(content(await running).status, 'ok');
  const reply = await onControl;
  assert.equal(reply.header.msg_type, 'execute_reply');
  assert.equal(content(reply).status, 'ok');
  assert.deepEqual(cells.started, ['wait', 'from control']);
});
