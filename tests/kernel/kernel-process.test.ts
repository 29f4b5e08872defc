// The kernel process without Jupyter: it answers kernel_info while Pyodide still loads, and exits when orphaned.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { requestKernelInfo, writeConnectionFile } from '../../kernel/startup-benchmark/kernel-probe.ts';

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
