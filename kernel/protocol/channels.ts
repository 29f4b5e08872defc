// The five ZeroMQ sockets of a Jupyter kernel: bound, read in loops, written through per-socket queues
// (a zeromq socket allows one send in flight at a time).
import * as zmq from 'zeromq';
import { endpoint, type ConnectionInfo } from './connection.ts';
import { childMessage, decodeMessage, encodeMessage, MessageSigner, SeenSignatures, type JupyterMessage } from './wire.ts';

export type RequestChannel = 'shell' | 'control';

/** Time a closing socket may take to deliver what is queued (e.g. the shutdown reply). */
const LINGER_MS = 1000;

class SocketSender {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly socket: zmq.Writable) {}

  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail.then(() => this.socket.send(frames)).catch((error: Error) => {
      process.stderr.write(`vigor kernel: sending a message failed: ${error.message}\n`);
    });
    return this.tail;
  }
}

export class KernelChannels {
  private readonly signer: MessageSigner;
  /** Shared by shell and control: a message replayed on either channel is refused. */
  private readonly seen = new SeenSignatures();
  private readonly shell = new zmq.Router({ linger: LINGER_MS });
  private readonly control = new zmq.Router({ linger: LINGER_MS });
  private readonly stdin = new zmq.Router({ linger: LINGER_MS });
  private readonly iopub = new zmq.Publisher({ linger: LINGER_MS });
  private readonly heartbeat = new zmq.Reply({ linger: 0 });
  private readonly senders = {
    shell: new SocketSender(this.shell),
    control: new SocketSender(this.control),
    stdin: new SocketSender(this.stdin),
    iopub: new SocketSender(this.iopub),
  };
  /** The input request awaiting its reply: one at a time, as the cell that asked waits for it. */
  private awaitingInput: { msgId: string; resolve(value: string): void } | undefined;

  constructor(private readonly connection: ConnectionInfo) {
    this.signer = new MessageSigner(connection.key, connection.signature_scheme);
  }

  async bind(): Promise<void> {
    const { connection: info } = this;
    await Promise.all([
      this.shell.bind(endpoint(info, info.shell_port)),
      this.control.bind(endpoint(info, info.control_port)),
      this.stdin.bind(endpoint(info, info.stdin_port)),
      this.iopub.bind(endpoint(info, info.iopub_port)),
      this.heartbeat.bind(endpoint(info, info.hb_port)),
    ]);
    void this.echoHeartbeats();
  }

  /** Calls `handle` for every valid message on a channel, in arrival order, without waiting for it to finish. */
  async receive(channel: RequestChannel, handle: (message: JupyterMessage) => void): Promise<void> {
    const socket = channel === 'shell' ? this.shell : this.control;
    try {
      for await (const frames of socket) {
        try {
          handle(decodeMessage(frames, this.signer, this.seen));
        } catch (error) {
          process.stderr.write(`vigor kernel: ${channel} message dropped: ${(error as Error).message}\n`);
        }
      }
    } catch (error) {
      if (!socket.closed) throw error;
    }
  }

  /**
   * Asks the front end that sent `parent` (an execute request) for a line of input, on stdin to the same client
   * identities, and resolves with what it answers. A newer request supersedes an unanswered one (its cell was
   * interrupted), whose answer is then ignored where it names the request it answers.
   */
  requestInput(parent: JupyterMessage, prompt: string, password: boolean): Promise<string> {
    const request = childMessage(parent, 'input_request', { prompt, password });
    return new Promise((resolve) => {
      this.awaitingInput = { msgId: request.header.msg_id, resolve };
      void this.senders.stdin.send(encodeMessage(request, this.signer));
    });
  }

  /** Reads input replies from stdin for as long as the socket is open. */
  async receiveInput(): Promise<void> {
    try {
      for await (const frames of this.stdin) {
        try {
          const reply = decodeMessage(frames, this.signer, this.seen);
          const awaiting = this.awaitingInput;
          // jupyter_client's input() sends its reply without a parent header: one naming another request is stale.
          const answers = reply.parent_header.msg_id;
          if (reply.header.msg_type !== 'input_reply' || !awaiting || (answers !== undefined && answers !== awaiting.msgId)) continue;
          this.awaitingInput = undefined;
          const value = (reply.content as Record<string, unknown>).value;
          awaiting.resolve(typeof value === 'string' ? value : '');
        } catch (error) {
          process.stderr.write(`vigor kernel: stdin message dropped: ${(error as Error).message}\n`);
        }
      }
    } catch (error) {
      if (!this.stdin.closed) throw error;
    }
  }

  reply<Content>(channel: RequestChannel, request: JupyterMessage, msgType: string, content: Content): Promise<void> {
    return this.senders[channel].send(encodeMessage(childMessage(request, msgType, content), this.signer));
  }

  publish<Content>(parent: JupyterMessage, msgType: string, content: Content, metadata: Record<string, unknown> = {}): Promise<void> {
    // The first frame of a PUB message is its topic; clients subscribe to everything.
    const message = { ...childMessage(parent, msgType, content, [Buffer.from(`kernel.${msgType}`)]), metadata };
    return this.senders.iopub.send(encodeMessage(message, this.signer));
  }

  close(): void {
    for (const socket of [this.shell, this.control, this.stdin, this.iopub, this.heartbeat]) socket.close();
  }

  private async echoHeartbeats(): Promise<void> {
    try {
      for await (const frames of this.heartbeat) await this.heartbeat.send(frames);
    } catch (error) {
      if (!this.heartbeat.closed) throw error;
    }
  }
}
