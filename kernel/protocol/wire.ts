// The Jupyter wire format: ZeroMQ multipart frames [identities..., "<IDS|MSG>", hmac, header, parent, metadata, content, buffers...].
// Spec: https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** Protocol version this kernel speaks; 5.3 adds nothing we must not send, and allows extra fields in validators. */
export const PROTOCOL_VERSION = '5.3';
const DELIMITER = Buffer.from('<IDS|MSG>');

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage<Content = Record<string, unknown>> {
  /** ZeroMQ routing identities of the sender; replies must carry them back. */
  identities: Buffer[];
  header: MessageHeader;
  parent_header: MessageHeader | Record<string, never>;
  metadata: Record<string, unknown>;
  content: Content;
  buffers: Buffer[];
}

export class MessageSigner {
  constructor(private readonly key: string, scheme: string) {
    if (key !== '' && scheme !== 'hmac-sha256') {
      throw new Error(`signature_scheme "${scheme}" is not supported; this kernel signs with hmac-sha256 (set it in the connection file)`);
    }
  }

  /** Hex HMAC of the four JSON frames; the empty string when the connection has no key (signing disabled). */
  sign(frames: Buffer[]): string {
    if (this.key === '') return '';
    const hmac = createHmac('sha256', this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest('hex');
  }

  verify(signature: string, frames: Buffer[]): boolean {
    const expected = Buffer.from(this.sign(frames));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

/**
 * The signatures of the messages accepted so far, so that a captured message sent again is refused (as ipykernel
 * does): a signed request must run once. Bounded: past `capacity` signatures, the least recently seen is forgotten.
 * A restarted kernel starts with none.
 */
export class SeenSignatures {
  private readonly signatures = new Map<string, true>();

  constructor(private readonly capacity = 65_536) {}

  /** Records `signature`; false when it was already recorded (a replay). */
  add(signature: string): boolean {
    const seen = this.signatures.delete(signature);
    this.signatures.set(signature, true);
    if (this.signatures.size > this.capacity) this.signatures.delete(this.signatures.keys().next().value!);
    return !seen;
  }
}

/**
 * The message in `frames`, once its signature is checked; with `seen`, a message whose signature was already
 * accepted is refused as a replay (signatures are only remembered when signing is on: unsigned messages all carry
 * the empty signature).
 */
export function decodeMessage(frames: Buffer[], signer: MessageSigner, seen?: SeenSignatures): JupyterMessage {
  const delimiterAt = frames.findIndex((frame) => frame.equals(DELIMITER));
  if (delimiterAt < 0 || frames.length < delimiterAt + 6) {
    throw new Error(`malformed Jupyter message: ${frames.length} frames and ${delimiterAt < 0 ? 'no' : 'a'} <IDS|MSG> delimiter`);
  }
  const signature = frames[delimiterAt + 1].toString();
  const jsonFrames = frames.slice(delimiterAt + 2, delimiterAt + 6);
  if (!signer.verify(signature, jsonFrames)) throw new Error('Jupyter message with an invalid HMAC signature was dropped');
  if (seen && signature !== '' && !seen.add(signature)) {
    throw new Error('Jupyter message with a signature seen before was dropped: it replays an earlier message (a client sends each message once)');
  }
  // A header, parent, metadata or content that is no object would reach every handler (and the parent header of
  // the replies), so such a message is refused here, as other malformed ones are.
  const [header, parentHeader, metadata, content] = jsonFrames.map((frame, index) => jsonObject(frame, MESSAGE_PARTS[index]!));
  for (const field of ['msg_type', 'msg_id'] as const) {
    if (typeof header![field] !== 'string') throw new Error(`malformed Jupyter message: its header's ${field} is ${describeJson(header![field])}, where a string belongs`);
  }
  return {
    identities: frames.slice(0, delimiterAt),
    header: header as unknown as MessageHeader,
    parent_header: parentHeader as JupyterMessage['parent_header'],
    metadata: metadata!,
    content: content!,
    buffers: frames.slice(delimiterAt + 6),
  };
}

const MESSAGE_PARTS = ['header', 'parent_header', 'metadata', 'content'];

/** The JSON object in `frame`, the message's `part`. */
function jsonObject(frame: Buffer, part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(frame.toString());
  } catch (error) {
    throw new Error(`malformed Jupyter message: its ${part} is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`malformed Jupyter message: its ${part} is ${describeJson(value)}, where a JSON object belongs`);
  }
  return value as Record<string, unknown>;
}

/** How a JSON value is named in a message about what was wrong with it. */
export function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `the ${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

export function encodeMessage(message: JupyterMessage<unknown>, signer: MessageSigner): Buffer[] {
  const jsonFrames = [message.header, message.parent_header, message.metadata, message.content].map((part) =>
    Buffer.from(JSON.stringify(part)),
  );
  return [...message.identities, DELIMITER, Buffer.from(signer.sign(jsonFrames)), ...jsonFrames, ...message.buffers];
}

/** A new message answering or reporting on `parent` (same session, parent header set). */
export function childMessage<Content>(
  parent: JupyterMessage<unknown>,
  msgType: string,
  content: Content,
  identities: Buffer[] = parent.identities,
): JupyterMessage<Content> {
  return {
    identities,
    header: {
      msg_id: randomUUID(),
      session: parent.header.session,
      username: parent.header.username,
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: parent.header,
    metadata: {},
    content,
    buffers: [],
  };
}
