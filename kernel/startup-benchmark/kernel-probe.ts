// A minimal Jupyter client for measuring and testing a kernel process without Jupyter installed:
// a connection file on free loopback ports, and one kernel_info round trip on the shell channel.
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import * as zmq from 'zeromq';
import { endpoint, type ConnectionInfo } from '../protocol/connection.ts';
import { decodeMessage, encodeMessage, MessageSigner, PROTOCOL_VERSION, type JupyterMessage } from '../protocol/wire.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function writeConnectionFile(directory: string): Promise<{ path: string; info: ConnectionInfo }> {
  const [shell_port, iopub_port, stdin_port, control_port, hb_port] = await Promise.all([1, 2, 3, 4, 5].map(freePort));
  const info: ConnectionInfo = {
    transport: 'tcp',
    ip: '127.0.0.1',
    key: randomBytes(16).toString('hex'),
    signature_scheme: 'hmac-sha256',
    shell_port,
    iopub_port,
    stdin_port,
    control_port,
    hb_port,
  };
  const path = join(directory, `kernel-${randomUUID()}.json`);
  writeFileSync(path, JSON.stringify(info));
  return { path, info };
}

/** Sends kernel_info_request and resolves with the reply; rejects after `timeoutMs`. */
export async function requestKernelInfo(info: ConnectionInfo, timeoutMs: number): Promise<JupyterMessage> {
  const signer = new MessageSigner(info.key, info.signature_scheme);
  const shell = new zmq.Dealer({ linger: 0, receiveTimeout: timeoutMs });
  shell.connect(endpoint(info, info.shell_port));
  try {
    const header = { msg_id: randomUUID(), session: randomUUID(), username: 'probe', date: new Date().toISOString(), msg_type: 'kernel_info_request', version: PROTOCOL_VERSION };
    await shell.send(encodeMessage({ identities: [], header, parent_header: {}, metadata: {}, content: {}, buffers: [] }, signer));
    for (;;) {
      const reply = decodeMessage(await shell.receive(), signer);
      if ((reply.parent_header as { msg_id?: string }).msg_id === header.msg_id) return reply;
    }
  } finally {
    shell.close();
  }
}
