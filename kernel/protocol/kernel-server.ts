// Jupyter messaging on top of the session: which request gets which reply, busy/idle status around each,
// shell requests one at a time in arrival order, control requests (interrupt, shutdown) at once.
import type { HistoryQuery } from '../session/history.ts';
import type { CellHandler } from '../session/cell-handler.ts';
import { SerialQueue } from '../session/serial-queue.ts';
import { codePointCount, codeUnitIndex } from '../session/text-positions.ts';
import { KernelChannels, type RequestChannel } from './channels.ts';
import type { ConnectionInfo } from './connection.ts';
import { IopubSink } from './iopub-sink.ts';
import { kernelInfo } from './kernel-info.ts';
import type { JupyterMessage } from './wire.ts';

type Content = Record<string, unknown>;

export interface KernelServerOptions {
  connection: ConnectionInfo;
  session: CellHandler;
  /** Called once the shutdown reply is on its way; `restart` says whether the client will start a new kernel. */
  onShutdown(restart: boolean): void;
}

export class KernelServer {
  private readonly channels: KernelChannels;
  private readonly shellQueue = new SerialQueue();
  private readonly info = kernelInfo();
  /** Execute requests received before this count are aborted (an earlier cell failed with stop_on_error). */
  private abortBefore = 0;
  private received = 0;

  constructor(private readonly options: KernelServerOptions) {
    this.channels = new KernelChannels(options.connection);
  }

  async start(): Promise<void> {
    await this.channels.bind();
    void this.channels.receive('shell', (message) => {
      const sequence = this.received++;
      void this.shellQueue.run(() => this.handle('shell', message, sequence));
    });
    void this.channels.receive('control', (message) => void this.handle('control', message, this.received));
  }

  close(): void {
    this.channels.close();
  }

  private async handle(channel: RequestChannel, request: JupyterMessage, sequence: number): Promise<void> {
    const type = request.header.msg_type;
    await this.channels.publish(request, 'status', { execution_state: 'busy' });
    try {
      const reply = await this.answer(channel, request, sequence);
      if (reply) await this.channels.reply(channel, request, type.replace(/_request$/, '_reply'), reply);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      process.stderr.write(`vigor kernel: ${type} failed: ${failure.stack ?? failure.message}\n`);
      if (type.endsWith('_request')) {
        await this.channels.reply(channel, request, type.replace(/_request$/, '_reply'), {
          status: 'error',
          ename: 'KernelError',
          evalue: `${type} failed: ${failure.message}`,
          traceback: (failure.stack ?? failure.message).split('\n'),
        });
      }
    } finally {
      await this.channels.publish(request, 'status', { execution_state: 'idle' });
    }
    if (type === 'shutdown_request') this.options.onShutdown(Boolean((request.content as Content).restart));
  }

  /** The reply content, or undefined for messages that have no reply (comm messages). */
  private async answer(channel: RequestChannel, request: JupyterMessage, sequence: number): Promise<Content | undefined> {
    const { session } = this.options;
    const content = request.content as Content;
    const code = String(content.code ?? '');
    // The protocol counts code points; the session indexes the string. A position past either end is clamped.
    const cursorPos = content.cursor_pos === undefined || content.cursor_pos === null ? code.length : codeUnitIndex(code, Number(content.cursor_pos));
    switch (request.header.msg_type) {
      case 'kernel_info_request':
        return this.info;
      case 'execute_request':
        return this.execute(channel, request, sequence);
      case 'complete_request': {
        const completion = await session.complete(code, cursorPos);
        return {
          status: 'ok',
          matches: completion.matches,
          cursor_start: codePointCount(code, completion.cursorStart),
          cursor_end: codePointCount(code, completion.cursorEnd),
          metadata: {},
        };
      }
      case 'inspect_request': {
        const data = await session.inspect(code, cursorPos, content.detail_level === 1 ? 1 : 0);
        return { status: 'ok', found: data !== undefined, data: data ?? {}, metadata: {} };
      }
      case 'is_complete_request':
        return { ...(await session.isComplete(code)) };
      case 'history_request':
        return { status: 'ok', history: session.historyQuery(historyQuery(content), Boolean(content.output)) };
      case 'comm_info_request':
        // No comm targets: widgets are not supported.
        return { status: 'ok', comms: {} };
      case 'interrupt_request':
        session.interrupt();
        return { status: 'ok' };
      case 'shutdown_request':
        return { status: 'ok', restart: Boolean(content.restart) };
      case 'connect_request': {
        const { shell_port, iopub_port, stdin_port, control_port, hb_port } = this.options.connection;
        return { status: 'ok', shell_port, iopub_port, stdin_port, control_port, hb_port };
      }
      case 'comm_open':
      case 'comm_msg':
      case 'comm_close':
        return undefined;
      default:
        if (!request.header.msg_type.endsWith('_request')) return undefined;
        // Answering keeps the client from waiting forever for a reply that would never come.
        return {
          status: 'error',
          ename: 'UnsupportedRequest',
          evalue: `this kernel does not implement ${request.header.msg_type}`,
          traceback: [],
        };
    }
  }

  private async execute(channel: RequestChannel, request: JupyterMessage, sequence: number): Promise<Content> {
    const content = request.content as Content;
    const code = String(content.code ?? '');
    const silent = Boolean(content.silent);
    if (sequence < this.abortBefore) return { status: 'aborted', execution_count: null };
    const summary = await this.options.session.execute(code, new IopubSink(this.channels, request), {
      silent,
      storeHistory: content.store_history !== false,
      onStart: (executionCount) => {
        if (!silent) void this.channels.publish(request, 'execute_input', { code, execution_count: executionCount });
      },
    });
    const userExpressions = Object.fromEntries(
      Object.keys((content.user_expressions ?? {}) as Content).map((name) => [
        name,
        { status: 'error', ename: 'NotImplementedError', evalue: 'user_expressions are not evaluated by this kernel', traceback: [] },
      ]),
    );
    if (summary.status === 'ok') {
      return { status: 'ok', execution_count: summary.executionCount, user_expressions: userExpressions, payload: [] };
    }
    // Like ipykernel: after a failure, execute requests already queued (e.g. "run all") are aborted, not run.
    if (content.stop_on_error !== false && channel === 'shell') this.abortBefore = this.received;
    return { status: 'error', execution_count: summary.executionCount, ...summary.error, user_expressions: userExpressions, payload: [] };
  }
}

function historyQuery(content: Content): HistoryQuery {
  const n = content.n === undefined || content.n === null ? null : Number(content.n);
  switch (content.hist_access_type) {
    case 'range':
      return { kind: 'range', session: Number(content.session ?? 0), start: Number(content.start ?? 0), stop: content.stop === undefined || content.stop === null ? null : Number(content.stop) };
    case 'search':
      return { kind: 'search', pattern: String(content.pattern ?? '*'), n, unique: Boolean(content.unique) };
    default:
      return { kind: 'tail', n: n ?? 10 };
  }
}
