// The connection file Jupyter writes for a kernel: where to bind and how to sign.
import { readFileSync } from 'node:fs';

export interface ConnectionInfo {
  transport: 'tcp' | 'ipc';
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

const PORT_FIELDS = ['shell_port', 'iopub_port', 'stdin_port', 'control_port', 'hb_port'] as const;

export function readConnectionFile(path: string): ConnectionInfo {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the connection file ${path}: ${(error as Error).message}`);
  }
  for (const field of [...PORT_FIELDS, 'ip']) {
    if (parsed[field] === undefined) throw new Error(`connection file ${path} lacks "${field}"; it must be the JSON file Jupyter writes for a kernel`);
  }
  return {
    transport: parsed.transport === 'ipc' ? 'ipc' : 'tcp',
    ip: String(parsed.ip),
    key: typeof parsed.key === 'string' ? parsed.key : '',
    signature_scheme: typeof parsed.signature_scheme === 'string' ? parsed.signature_scheme : 'hmac-sha256',
    ...(Object.fromEntries(PORT_FIELDS.map((field) => [field, Number(parsed[field])])) as Pick<ConnectionInfo, (typeof PORT_FIELDS)[number]>),
  };
}

/** ZeroMQ endpoint of one channel: tcp://ip:port, or for ipc the file path ip-port as jupyter_client names it. */
export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === 'tcp' ? `tcp://${info.ip}:${port}` : `ipc://${info.ip}-${port}`;
}
