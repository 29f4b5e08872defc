// The replay of an iteration without a packet (the replay worker's side): one poll of the stacked .wasm on a device that received nothing, watched.
//
// A spec's failure on that iteration (`a_packet_received` false) is a claim about the NF's not being called:
// nothing sent, its state as the iteration found it. The poll runs the real stack and the real nf_process on
// libVig's JavaScript run-time with every call counted, a device whose HEADs never move (it finishes no
// descriptor), and compares the NF's memory below the device region before and after.
import { device as D, DEVICE_MODULE, type DeviceImportName, type Manifest } from '../../nf-abi/index.ts';
import { loadNf } from '../../libvig/index.ts';

export interface IdlePollRequest {
  kind: 'idle-poll';
  nf: { hash: string; wasm: Uint8Array; manifest: Manifest };
}

export type IdlePollOutcome =
  /** What the poll did: libVig calls made (the NF ran if any), TX tails written (frames sent), the NF's memory. */
  | { kind: 'ran'; libvigCalls: number; txTailWrites: number; nfMemoryChanged: boolean }
  | { kind: 'stopped'; message: string };

/** The clock the idle device reads: any time will do, the NF is not to run. */
const CLOCK = 5_000_000_000n;

export function runIdlePoll(request: IdlePollRequest): IdlePollOutcome {
  const registers = new Map<string, number>();
  let txTailWrites = 0;
  let watching = false;
  const device = {
    read_register: (at: number, register: number) => registers.get(`${at}.${register}`) ?? 0,
    write_register: (at: number, register: number, value: number) => {
      registers.set(`${at}.${register}`, value);
      if (watching && register === D.REGISTER_TX_TAIL) txTailWrites++;
    },
    now: () => CLOCK,
  } satisfies Record<DeviceImportName, unknown>;
  let calls = 0;
  try {
    const nf = loadNf({ wasm: request.nf.wasm, manifest: request.nf.manifest }, { [DEVICE_MODULE]: device }, { onLibVigCall: () => calls++ });
    const stack = nf.instance.exports as unknown as { stack_init(): void; stack_poll(): void };
    stack.stack_init();
    const nfMemory = () => new Uint8Array(nf.memory.buffer, 0, D.DEVICE_REGION_BASE).slice();
    const [before, callsBefore] = [nfMemory(), calls];
    watching = true;
    stack.stack_poll();
    return { kind: 'ran', libvigCalls: calls - callsBefore, txTailWrites, nfMemoryChanged: !Buffer.from(nfMemory()).equals(Buffer.from(before)) };
  } catch (e) {
    return { kind: 'stopped', message: (e as Error).message };
  }
}
