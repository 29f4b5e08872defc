// Replayed messages: a signed execute_request sent twice over the kernel's real sockets runs once, and the kernel
// says on stderr why it dropped the copy; the memory of signatures is bounded.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import * as zmq from 'zeromq';
import { endpoint } from '../../kernel/protocol/connection.ts';
import { decodeMessage, encodeMessage, MessageSigner, PROTOCOL_VERSION, SeenSignatures, type JupyterMessage } from '../../kernel/protocol/wire.ts';
import { requestKernelInfo, writeConnectionFile } from '../../kernel/startup-benchmark/kernel-probe.ts';

const directory = mkdtempSync(join(tmpdir(), 'vigor-kernel-replay-'));
after(() => rmSync(directory, { recursive: true, force: true }));

function executeRequest(code: string): JupyterMessage {
  const header = { msg_id: randomUUID(), session: 'replay-test', username: 'test', date: new Date().toISOString(), msg_type: 'execute_request', version: PROTOCOL_VERSION };
  return { identities: [], header, parent_header: {}, metadata: {}, content: { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true }, buffers: [] };
}

test('the same signed execute_request sent twice runs once; the copy is dropped with a reason on stderr', async () => {
  const { path, info } = await writeConnectionFile(directory);
  const kernel = spawn(process.execPath, ['bin/vigor.js', 'kernel', 'start', '--connection-file', path], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  kernel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const signer = new MessageSigner(info.key, info.signature_scheme);
  const shell = new zmq.Dealer({ linger: 0, receiveTimeout: 60_000 });
  const iopub = new zmq.Subscriber({ linger: 0, receiveTimeout: 60_000 });
  try {
    // Generous: this test is about replays, not start-up time, and may share the machine with other tests.
    await requestKernelInfo(info, 30_000);
    iopub.connect(endpoint(info, info.iopub_port));
    iopub.subscribe();
    shell.connect(endpoint(info, info.shell_port));
    // A subscriber misses what is published before its subscription reaches the kernel.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const frames = encodeMessage(executeRequest('print("ran")'), signer);
    await shell.send(frames);
    await shell.send(frames);
    // Shell requests are served in arrival order: once this one is answered, the copy has been dealt with.
    const last = executeRequest('print("after")');
    await shell.send(encodeMessage(last, signer));
    const replies: JupyterMessage[] = [];
    while (!replies.some((reply) => (reply.parent_header as { msg_id?: string }).msg_id === last.header.msg_id)) {
      replies.push(decodeMessage(await shell.receive(), signer));
    }
    assert.deepEqual(replies.map((reply) => [reply.header.msg_type, (reply.content as { execution_count: number }).execution_count]), [['execute_reply', 1], ['execute_reply', 2]]);
    const printed: string[] = [];
    while (!printed.includes('after\n')) {
      const message = decodeMessage(await iopub.receive(), signer);
      if (message.header.msg_type === 'stream') printed.push((message.content as { text: string }).text);
    }
    assert.deepEqual(printed, ['ran\n', 'after\n']);
    assert.match(stderr, /vigor kernel: shell message dropped: Jupyter message with a signature seen before was dropped: it replays an earlier message/);
  } finally {
    shell.close();
    iopub.close();
    kernel.kill('SIGKILL');
  }
});

test('a message signed afresh is accepted; a replayed one is refused; the memory forgets the least recently seen first', () => {
  const signer = new MessageSigner('secret', 'hmac-sha256');
  const seen = new SeenSignatures();
  const first = encodeMessage(executeRequest('1'), signer);
  decodeMessage(first, signer, seen);
  assert.throws(() => decodeMessage(first, signer, seen), /signature seen before was dropped/);
  decodeMessage(encodeMessage(executeRequest('1'), signer), signer, seen);

  const small = new SeenSignatures(2);
  assert.deepEqual(['a', 'b', 'a', 'c'].map((signature) => small.add(signature)), [true, true, false, true]);
  // "b" was the least recently seen when "c" came; "a" and "c" are still remembered.
  assert.deepEqual(['a', 'c', 'b'].map((signature) => small.add(signature)), [false, false, true]);
});

test('without a key (signing off) every message carries the empty signature: nothing is refused as a replay', () => {
  const unsigned = new MessageSigner('', 'hmac-sha256');
  const seen = new SeenSignatures();
  const frames = encodeMessage(executeRequest('1'), unsigned);
  decodeMessage(frames, unsigned, seen);
  decodeMessage(frames, unsigned, seen);
});
