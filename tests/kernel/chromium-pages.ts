// One headless Chromium for several pages, driven through the DevTools protocol over a pipe (--remote-debugging-pipe:
// NUL-separated JSON on file descriptors 3 and 4, no port, no WebSocket): open a page, evaluate in it, screenshot a
// part of it. Every host name fails to resolve, so a page that needs the network shows it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { CHROMIUM, quietFlags } from './chromium.ts';

export interface Clip {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChromiumPage {
  /** The value of a JavaScript expression in the page (a promise is awaited); its exception is thrown here. */
  evaluate<T>(expression: string): Promise<T>;
  /** A PNG of this part of the page (CSS pixels, document coordinates), scrolled to or not. */
  screenshot(clip: Clip): Promise<Buffer>;
}

type Message = { id?: number; method?: string; sessionId?: string; result?: Record<string, unknown>; error?: { message: string } };

const COMMAND_TIMEOUT_MS = 60_000;

/** Starts Chromium, lets `use` open pages, and always ends Chromium and removes its profile. */
export async function withChromium<T>(use: (open: (url: string) => Promise<ChromiumPage>) => Promise<T>): Promise<T> {
  const profile = mkdtempSync(join(tmpdir(), 'vigor-chromium-'));
  const child = spawn(CHROMIUM, [...quietFlags(profile), '--remote-debugging-pipe', '--host-resolver-rules=MAP * ~NOTFOUND', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
  });
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));

  const pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  const listeners = new Set<(m: Message) => void>();
  let nextId = 0;
  let buffered = Buffer.alloc(0);
  fromBrowser.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let end = buffered.indexOf(0); end >= 0; end = buffered.indexOf(0)) {
      const message = JSON.parse(buffered.subarray(0, end).toString('utf8')) as Message;
      buffered = buffered.subarray(end + 1);
      const waiting = message.id === undefined ? undefined : pending.get(message.id);
      if (waiting) {
        pending.delete(message.id!);
        waiting.resolve(message);
      } else for (const listener of listeners) listener(message);
    }
  });
  child.on('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`chromium exited (${code}): ${stderr}`));
    pending.clear();
  });

  const send = (method: string, params: object = {}, sessionId?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++nextId;
      const timer = setTimeout(() => reject(new Error(`chromium did not answer ${method} within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
      pending.set(id, {
        resolve: (message) => {
          clearTimeout(timer);
          if (message.error) reject(new Error(`${method}: ${message.error.message}`));
          else resolve(message.result ?? {});
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });

  const open = async (url: string): Promise<ChromiumPage> => {
    const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
    await send('Page.enable', {}, sessionId);
    await send('Emulation.setDeviceMetricsOverride', { width: 1000, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
    const loaded = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${url} did not finish loading within ${COMMAND_TIMEOUT_MS} ms`)), COMMAND_TIMEOUT_MS);
      const listener = (message: Message) => {
        if (message.sessionId !== sessionId || message.method !== 'Page.loadEventFired') return;
        clearTimeout(timer);
        listeners.delete(listener);
        resolve();
      };
      listeners.add(listener);
    });
    await send('Page.navigate', { url }, sessionId);
    await loaded;
    return {
      evaluate: async <T>(expression: string) => {
        const answer = (await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId)) as {
          result: { value: T };
          exceptionDetails?: { text: string; exception?: { description?: string } };
        };
        if (answer.exceptionDetails) throw new Error(`in ${url}: ${answer.exceptionDetails.exception?.description ?? answer.exceptionDetails.text}`);
        return answer.result.value;
      },
      screenshot: async (clip) => {
        const { data } = await send('Page.captureScreenshot', { format: 'png', clip: { ...clip, scale: 1 }, captureBeyondViewport: true }, sessionId);
        return Buffer.from(String(data), 'base64');
      },
    };
  };

  try {
    return await use(open);
  } finally {
    await send('Browser.close').catch(() => undefined);
    if (child.exitCode === null) {
      const stubborn = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await new Promise((resolve) => child.once('exit', resolve));
      clearTimeout(stubborn);
    }
    rmSync(profile, { recursive: true, force: true });
  }
}
