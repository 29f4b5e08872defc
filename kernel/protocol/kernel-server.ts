// Jupyter messaging on top of the session: which request gets which reply, busy/idle status around each,
// shell requests (and cells sent on control) one at a time in arrival order, other control requests at once.
import type { HistoryQuery } from '../session/history.ts';
import type { CellHandler, UserExpressionValues } from '../session/cell-handler.ts';
import { SerialQueue } from '../session/serial-queue.ts';
import { codePointCount, codeUnitIndex } from '../session/text-positions.ts';
import { KernelChannels, type RequestChannel } from './channels.ts';
import type { ConnectionInfo } from './connection.ts';
import { IopubSink } from './iopub-sink.ts';
import { kernelInfo } from './kernel-info.ts';
import { InvalidRequest, RequestContent } from './request-content.ts';
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
    void this.channels.receiveInput();
    void this.channels.receive('shell', (message) => this.enqueue('shell', message));
    // Control carries what shell does (the spec: "identical to Shell"; ipykernel accepts every shell request there)
    // and is answered at once, but a cell runs only after the cells before it: the session runs one at a time.
    void this.channels.receive('control', (message) => {
      if (message.header.msg_type === 'execute_request') this.enqueue('control', message);
      else void this.handle('control', message, this.received);
    });
  }

  private enqueue(channel: RequestChannel, message: JupyterMessage): void {
    const sequence = this.received++;
    void this.shellQueue.run(() => this.handle(channel, message, sequence));
  }

  close(): void {
    this.channels.close();
  }

  private async handle(channel: RequestChannel, request: JupyterMessage, sequence: number): Promise<void> {
    const type = request.header.msg_type;
    const replyType = type.replace(/_request$/, '_reply');
    let reply: Content | undefined;
    await this.channels.publish(request, 'status', { execution_state: 'busy' });
    try {
      reply = await this.answer(channel, request, sequence);
      if (reply) await this.channels.reply(channel, request, replyType, reply);
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      // A request the protocol does not allow is the client's mistake, said in its reply; anything else is the kernel's.
      const invalid = failure instanceof InvalidRequest;
      process.stderr.write(`vigor kernel: ${type} ${invalid ? 'refused' : 'failed'}: ${invalid ? failure.message : (failure.stack ?? failure.message)}\n`);
      if (type.endsWith('_request')) {
        await this.channels.reply(channel, request, replyType, {
          status: 'error',
          ...(type === 'execute_request' ? { execution_count: null } : {}),
          ename: invalid ? failure.name : 'KernelError',
          evalue: invalid ? failure.message : `${type} failed: ${failure.message}`,
          traceback: invalid ? [`${failure.name}: ${failure.message}`] : (failure.stack ?? failure.message).split('\n'),
        });
      }
    } finally {
      await this.channels.publish(request, 'status', { execution_state: 'idle' });
    }
    if (type === 'shutdown_request' && reply?.status === 'ok') this.options.onShutdown(reply.restart === true);
  }

  /** The reply content, or undefined for messages that have no reply (comm messages). */
  private async answer(channel: RequestChannel, request: JupyterMessage, sequence: number): Promise<Content | undefined> {
    const { session } = this.options;
    const type = request.header.msg_type;
    const content = new RequestContent(type, request.content);
    switch (type) {
      case 'kernel_info_request':
        return this.info;
      case 'execute_request':
        return this.execute(channel, request, sequence);
      case 'complete_request': {
        const { code, cursorPos } = cursorRequest(content);
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
        const { code, cursorPos } = cursorRequest(content);
        const data = await session.inspect(code, cursorPos, content.optionalInteger('detail_level', 0) === 1 ? 1 : 0);
        return { status: 'ok', found: data !== undefined, data: data ?? {}, metadata: {} };
      }
      case 'is_complete_request':
        return { ...(await session.isComplete(content.string('code', 'the code to check'))) };
      case 'history_request':
        return { status: 'ok', history: session.historyQuery(historyQuery(content), content.optionalBoolean('output', false)) };
      case 'comm_info_request':
        // No comm targets: widgets are not supported.
        return { status: 'ok', comms: {} };
      case 'interrupt_request':
        session.interrupt();
        return { status: 'ok' };
      case 'shutdown_request':
        return { status: 'ok', restart: content.optionalBoolean('restart', false) };
      case 'connect_request': {
        const { shell_port, iopub_port, stdin_port, control_port, hb_port } = this.options.connection;
        return { status: 'ok', shell_port, iopub_port, stdin_port, control_port, hb_port };
      }
      case 'comm_open': {
        // The spec: a comm_open for a target the kernel does not have is answered at once with its comm_close, so
        // that the front end does not keep a comm nobody listens to. This kernel has no targets at all.
        const commId = request.content.comm_id;
        if (typeof commId === 'string') await this.channels.publish(request, 'comm_close', { comm_id: commId, data: {} });
        return undefined;
      }
      case 'comm_msg':
      case 'comm_close':
        // Only for comms this kernel opened or accepted, and it has none: ignored, as the spec says.
        return undefined;
      default:
        if (!type.endsWith('_request')) return undefined;
        // Answering keeps the client from waiting forever for a reply that would never come.
        return {
          status: 'error',
          ename: 'UnsupportedRequest',
          evalue: `this kernel does not implement ${type}`,
          traceback: [],
        };
    }
  }

  private async execute(channel: RequestChannel, request: JupyterMessage, sequence: number): Promise<Content> {
    const content = new RequestContent('execute_request', request.content);
    const code = content.string('code', "the cell's source");
    const silent = content.optionalBoolean('silent', false);
    const storeHistory = content.optionalBoolean('store_history', true);
    const stopOnError = content.optionalBoolean('stop_on_error', true);
    // Absent means no, as ipykernel reads it: a client that does not know stdin must not have a cell wait on it.
    const allowStdin = content.optionalBoolean('allow_stdin', false);
    const expressions = content.optionalObject('user_expressions');
    if (sequence < this.abortBefore) return { status: 'aborted', execution_count: null };
    const summary = await this.options.session.execute(code, new IopubSink(this.channels, request, allowStdin), {
      silent,
      storeHistory,
      onStart: (executionCount) => {
        if (!silent) void this.channels.publish(request, 'execute_input', { code, execution_count: executionCount });
      },
    });
    if (summary.status === 'ok') {
      return { status: 'ok', execution_count: summary.executionCount, user_expressions: await this.userExpressions(expressions), payload: [] };
    }
    // Like ipykernel: after a failure, execute requests already queued (e.g. "run all") are aborted, not run.
    if (stopOnError && channel === 'shell') this.abortBefore = this.received;
    // ipykernel evaluates user_expressions only after a cell that succeeded.
    return { status: 'error', execution_count: summary.executionCount, ...summary.error, user_expressions: {}, payload: [] };
  }

  /** Each expression's value; one that is not a string of Python gets an error of its own, as an expression that raises does. */
  private async userExpressions(expressions: Record<string, unknown>): Promise<UserExpressionValues> {
    const python = Object.fromEntries(Object.entries(expressions).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const values = Object.keys(python).length ? await this.options.session.userExpressions(python) : {};
    return Object.fromEntries(
      Object.entries(expressions).map(([name, expression]) => [
        name,
        values[name] ?? { status: 'error', ename: 'TypeError', evalue: `user expression ${JSON.stringify(name)} is ${JSON.stringify(expression)}, not a string of Python`, traceback: [] },
      ]),
    );
  }
}

/** The code and cursor of a complete or inspect request; the protocol counts code points, the session indexes the
 * string. No cursor is the end of the code; one past either end is clamped. */
function cursorRequest(content: RequestContent): { code: string; cursorPos: number } {
  const code = content.string('code', 'the code around the cursor');
  const cursorPos = content.optionalInteger('cursor_pos', null);
  return { code, cursorPos: cursorPos === null ? code.length : codeUnitIndex(code, cursorPos) };
}

function historyQuery(content: RequestContent): HistoryQuery {
  switch (content.oneOf('hist_access_type', ['range', 'tail', 'search'])) {
    case 'range':
      return { kind: 'range', session: content.optionalInteger('session', 0), start: content.optionalInteger('start', 0), stop: content.optionalInteger('stop', null) };
    case 'search':
      return { kind: 'search', pattern: content.optionalString('pattern', '*'), n: content.optionalInteger('n', null), unique: content.optionalBoolean('unique', false) };
    case 'tail':
      return { kind: 'tail', n: content.optionalInteger('n', 10) };
  }
}
