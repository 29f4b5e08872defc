// A minimal Jupyter client for measuring and testing a kernel process without Jupyter installed:
// a connection file on free loopback ports, and request/reply round trips on the shell or control channel.
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

/** A shell-channel (or control-channel) client: each request waits for its own reply (other replies are skipped). */
export class ShellProbe {
  private readonly signer: MessageSigner;
  private readonly socket: zmq.Dealer;
  private readonly session = randomUUID();

  constructor(info: ConnectionInfo, timeoutMs: number, channel: 'shell' | 'control' = 'shell') {
    this.signer = new MessageSigner(info.key, info.signature_scheme);
    this.socket = new zmq.Dealer({ linger: 0, receiveTimeout: timeoutMs });
    this.socket.connect(endpoint(info, channel === 'shell' ? info.shell_port : info.control_port));
  }

  /** Sends `msgType` with `content` without waiting for a reply (comm messages have none); resolves with its msg_id. */
  async send(msgType: string, content: Record<string, unknown> = {}): Promise<string> {
    const header = { msg_id: randomUUID(), session: this.session, username: 'probe', date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
    await this.socket.send(encodeMessage({ identities: [], header, parent_header: {}, metadata: {}, content, buffers: [] }, this.signer));
    return header.msg_id;
  }

  /** Sends `msgType` with `content` and resolves with its reply; rejects when none comes within the timeout. */
  async request(msgType: string, content: Record<string, unknown> = {}): Promise<JupyterMessage> {
    const msgId = await this.send(msgType, content);
    for (;;) {
      const reply = decodeMessage(await this.socket.receive(), this.signer);
      if ((reply.parent_header as { msg_id?: string }).msg_id === msgId) return reply;
    }
  }

  /** Runs a cell (stored in history, as a front end does) and resolves with its execute_reply. */
  execute(code: string): Promise<JupyterMessage> {
    return this.request('execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
  }

  close(): void {
    this.socket.close();
  }
}

/** Sends kernel_info_request and resolves with the reply; rejects after `timeoutMs`. */
export async function requestKernelInfo(info: ConnectionInfo, timeoutMs: number): Promise<JupyterMessage> {
  const probe = new ShellProbe(info, timeoutMs);
  try {
    return await probe.request('kernel_info_request');
  } finally {
    probe.close();
  }
}
