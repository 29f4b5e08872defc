import assert from 'node:assert/strict';
import { test } from 'node:test';
import { childMessage, decodeMessage, encodeMessage, MessageSigner, type JupyterMessage } from '../../kernel/protocol/wire.ts';

const signer = new MessageSigner('secret-key', 'hmac-sha256');

function request(): JupyterMessage {
  return {
    identities: [Buffer.from('client-1')],
    header: { msg_id: 'm1', session: 's1', username: 'u', date: '2024-01-01T00:00:00Z', msg_type: 'execute_request', version: '5.3' },
    parent_header: {},
    metadata: {},
    content: { code: 'print(1)' },
    buffers: [],
  };
}

test('a message survives encoding and decoding, identities included', () => {
  const decoded = decodeMessage(encodeMessage(request(), signer), signer);
  assert.deepEqual(decoded.identities.map(String), ['client-1']);
  assert.equal(decoded.header.msg_type, 'execute_request');
  assert.deepEqual(decoded.content, { code: 'print(1)' });
});

test('the signature is the HMAC-SHA256 of the four JSON frames', () => {
  const frames = encodeMessage(request(), signer);
  const delimiter = frames.findIndex((frame) => frame.toString() === '<IDS|MSG>');
  const expected = new MessageSigner('secret-key', 'hmac-sha256').sign(frames.slice(delimiter + 2, delimiter + 6));
  assert.equal(frames[delimiter + 1].toString(), expected);
  assert.match(expected, /^[0-9a-f]{64}$/);
});

test('a tampered message or one signed with another key is rejected', () => {
  const frames = encodeMessage(request(), signer);
  frames[frames.length - 1] = Buffer.from(JSON.stringify({ code: 'import os' }));
  assert.throws(() => decodeMessage(frames, signer), /invalid HMAC/);
  const foreign = encodeMessage(request(), new MessageSigner('other-key', 'hmac-sha256'));
  assert.throws(() => decodeMessage(foreign, signer), /invalid HMAC/);
});

test('an empty key disables signing, as the protocol says', () => {
  const unsigned = new MessageSigner('', 'hmac-sha256');
  const frames = encodeMessage(request(), unsigned);
  assert.equal(frames[2].toString(), '');
  assert.equal(decodeMessage(frames, unsigned).header.msg_id, 'm1');
});

test('an unsupported signature scheme is refused with what to do', () => {
  assert.throws(() => new MessageSigner('k', 'hmac-md5'), /hmac-md5.*hmac-sha256/);
});

test('a reply keeps the session and routing, points at its parent, and has a fresh id', () => {
  const parent = request();
  const reply = childMessage(parent, 'execute_reply', { status: 'ok' });
  assert.equal(reply.header.session, 's1');
  assert.equal(reply.header.msg_type, 'execute_reply');
  assert.notEqual(reply.header.msg_id, 'm1');
  assert.equal((reply.parent_header as { msg_id: string }).msg_id, 'm1');
  assert.deepEqual(reply.identities, parent.identities);
});

test('frames without the delimiter are reported as malformed', () => {
  assert.throws(() => decodeMessage([Buffer.from('x'), Buffer.from('{}')], signer), /malformed.*no <IDS\|MSG>/);
});

test('a signed message whose header, parent, metadata or content is no JSON object, or whose header lacks msg_type or msg_id, is malformed', () => {
  const signed = (change: (message: Record<string, unknown>) => void) => {
    const message = request() as unknown as Record<string, unknown>;
    change(message);
    return encodeMessage(message as unknown as JupyterMessage, signer);
  };
  assert.throws(() => decodeMessage(signed((m) => (m.header = [])), signer), /malformed Jupyter message: its header is an array, where a JSON object belongs/);
  assert.throws(() => decodeMessage(signed((m) => (m.parent_header = null)), signer), /its parent_header is null/);
  assert.throws(() => decodeMessage(signed((m) => (m.metadata = 'x')), signer), /its metadata is the string "x"/);
  assert.throws(() => decodeMessage(signed((m) => (m.content = [1])), signer), /its content is an array/);
  assert.throws(() => decodeMessage(signed((m) => (m.header = { msg_id: 'm1' })), signer), /its header's msg_type is nothing, where a string belongs/);
  assert.throws(() => decodeMessage(signed((m) => (m.header = { msg_type: 'execute_request', msg_id: 7 })), signer), /its header's msg_id is the number 7/);
  const unsigned = new MessageSigner('', 'hmac-sha256');
  const broken = encodeMessage(request(), unsigned);
  broken[broken.length - 1] = Buffer.from('{"code":');
  assert.throws(() => decodeMessage(broken, unsigned), /malformed Jupyter message: its content is not JSON/);
});
