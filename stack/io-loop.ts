// The stack's I/O loop, in AssemblyScript: one stack_poll() polls every device, hands each frame to nf_process, sends, floods or drops.
//
// A generated entry (toolchain/build.ts, buildStackedNf) links it with an NF: its stack_poll calls stackPoll with
// nf.json's device count and frame bounds as constants and the NF's nf_process, which the optimiser turns into a
// direct call. stack/README.md says what one poll does, step by step.
import { DROP, FLOOD } from "../nf-abi/outputs";
import { PACKET_BASE } from "../nf-abi/memory-layout";
import { BUFFER_BYTES, DESCRIPTOR_BYTES, STATUS_ERROR } from "../nf-abi/device";
import { consumeReceived, copyBlocks, driverInit, flushSent, lengthOf, nextReceived, readReceived, reclaimSent, refill, rxBuffer, rxDescriptor, send, stampOf, statusOf } from "./driver";

// @ts-ignore: decorator
@external("device", "now") declare function now(): i64;


/** The time handed to the last frame: the times the NF sees never decrease. */
let lastTime: i64 = i64.MIN_VALUE;

// @ts-ignore: decorator
@inline export function stackInit(devices: i32): void {
  driverInit(devices);
}

/**
 * One iteration. Frames are delivered in the order of their receive stamps, whichever device they came on
 * (ties: the lower device first), each with its stamp as the time, capped at the clock read at the start of the
 * poll and raised to the previous frame's time.
 */
// @ts-ignore: decorator
@inline export function stackPoll<Nf>(nf: Nf, devices: i32, frameMin: i32, frameMax: i32): void {
  const clock = now();
  for (let device = 0; device < devices; device++) {
    reclaimSent(device);
    readReceived(device);
  }
  const longest = frameMax < BUFFER_BYTES ? frameMax : BUFFER_BYTES;
  while (true) {
    let from = -1;
    let descriptor: usize = 0;
    let stamp: i64 = 0;
    for (let device = 0; device < devices; device++) {
      const candidate = nextReceived(device);
      if (candidate != 0 && (from < 0 || stampOf(candidate) < stamp)) {
        from = device;
        descriptor = candidate;
        stamp = stampOf(candidate);
      }
    }
    if (from < 0) break;
    const length = lengthOf(descriptor);
    const index = <i32>((descriptor - rxDescriptor(from, 0)) / DESCRIPTOR_BYTES);
    consumeReceived(from);
    if ((statusOf(descriptor) & STATUS_ERROR) != 0 || length < frameMin || length > longest) continue;
    let time = stamp > clock ? clock : stamp;
    if (time < lastTime) time = lastTime;
    lastTime = time;
    const buffer = rxBuffer(from, index);
    copyBlocks(PACKET_BASE, buffer, length);
    const output = nf.process(from, PACKET_BASE, length, time);
    if (output == FLOOD) {
      if (devices < 2) continue;
      copyBlocks(buffer, PACKET_BASE, length);
      for (let to = 0; to < devices; to++) if (to != from) send(to, from, index, length);
    } else if (output != DROP && <u32>output < <u32>devices) {
      copyBlocks(buffer, PACKET_BASE, length);
      send(output, from, index, length);
    }
  }
  for (let device = 0; device < devices; device++) {
    flushSent(device);
    refill(device);
  }
}
