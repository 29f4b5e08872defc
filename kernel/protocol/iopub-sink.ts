// Cell output as IOPub messages, each with the execute_request as parent so front ends file it under that cell;
// reads of the keyboard as input requests on stdin, where the request allows them.
import type { CellError, DisplayItem, MimeBundle, OutputSink, StreamName } from '../session/output.ts';
import type { KernelChannels } from './channels.ts';
import type { JupyterMessage } from './wire.ts';

export class IopubSink implements OutputSink {
  readonly readInput?: (prompt: string, password: boolean) => Promise<string>;

  /** `allowStdin`: the request's, whether its front end may be asked for input (on the stdin channel). */
  constructor(private readonly channels: KernelChannels, private readonly parent: JupyterMessage, allowStdin = false) {
    if (allowStdin) this.readInput = (prompt, password) => channels.requestInput(parent, prompt, password);
  }

  stream(name: StreamName, text: string): void {
    void this.channels.publish(this.parent, 'stream', { name, text });
  }

  displayData(item: DisplayItem): void {
    void this.channels.publish(this.parent, 'display_data', displayContent(item));
  }

  updateDisplayData(item: DisplayItem & { displayId: string }): void {
    void this.channels.publish(this.parent, 'update_display_data', displayContent(item));
  }

  executeResult(executionCount: number, data: MimeBundle, metadata: Record<string, unknown>): void {
    void this.channels.publish(this.parent, 'execute_result', { execution_count: executionCount, data, metadata });
  }

  error(error: CellError): void {
    void this.channels.publish(this.parent, 'error', error);
  }

  clearOutput(wait: boolean): void {
    void this.channels.publish(this.parent, 'clear_output', { wait });
  }
}

function displayContent(item: DisplayItem) {
  return { data: item.data, metadata: item.metadata, transient: item.displayId ? { display_id: item.displayId } : {} };
}
