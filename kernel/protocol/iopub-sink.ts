// Cell output as IOPub messages, each with the execute_request as parent so front ends file it under that cell.
import type { CellError, DisplayItem, MimeBundle, OutputSink, StreamName } from '../session/output.ts';
import type { KernelChannels } from './channels.ts';
import type { JupyterMessage } from './wire.ts';

export class IopubSink implements OutputSink {
  constructor(private readonly channels: KernelChannels, private readonly parent: JupyterMessage) {}

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
