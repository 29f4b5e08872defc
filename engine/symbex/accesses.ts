// What one path did to the memory and globals that outlive a run: what it read before writing it, what it may have
// changed. engine/nf compares these across paths to find state an NF keeps between packets.

/** Where an access happened: the byte offset of the instruction (a call's, when a contract made it). */
export type AccessOffsets = ReadonlyMap<number, number>;

/**
 * Per path, copied on fork. Memory is counted by byte address; a write at a symbolic address may reach every
 * byte of its range (so it counts as a possible change of each) but writes none for sure (so a later read of
 * one of them is still a read of what the packet found).
 */
export class AccessLog {
  private constructor(
    /** Memory bytes written for sure (at a concrete address) on this path. */
    private readonly written: Set<number>,
    /** Memory bytes a write may have reached, with the offset of the last such write. */
    private readonly writes: Map<number, number>,
    /** Memory bytes read while not yet written for sure, with the offset of the first such read. */
    private readonly early: Map<number, number>,
    private readonly globalWrites: Map<number, number>,
    private readonly globalEarly: Map<number, number>,
  ) {}

  static create(): AccessLog {
    return new AccessLog(new Set(), new Map(), new Map(), new Map(), new Map());
  }

  clone(): AccessLog {
    return new AccessLog(new Set(this.written), new Map(this.writes), new Map(this.early), new Map(this.globalWrites), new Map(this.globalEarly));
  }

  readByte(address: number, offset: number): void {
    if (!this.written.has(address) && !this.early.has(address)) this.early.set(address, offset);
  }

  writeByte(address: number, offset: number): void {
    this.written.add(address);
    this.writes.set(address, offset);
  }

  /** A read at a symbolic address that may fetch any byte of [low, high]. */
  readRange(low: number, high: number, offset: number): void {
    for (let a = low; a <= high; a++) this.readByte(a, offset);
  }

  /** A write at a symbolic address that may reach any byte of [low, high]. */
  writeRange(low: number, high: number, offset: number): void {
    for (let a = low; a <= high; a++) this.writes.set(a, offset);
  }

  readGlobal(index: number, offset: number): void {
    if (!this.globalWrites.has(index) && !this.globalEarly.has(index)) this.globalEarly.set(index, offset);
  }

  writeGlobal(index: number, offset: number): void {
    this.globalWrites.set(index, offset);
  }

  /** Memory bytes this path may have written, with the last writing instruction. */
  get memoryWrites(): AccessOffsets {
    return this.writes;
  }

  /** Memory bytes this path read before writing them, with the first reading instruction. */
  get memoryReadsFirst(): AccessOffsets {
    return this.early;
  }

  get globalsWritten(): AccessOffsets {
    return this.globalWrites;
  }

  get globalsReadFirst(): AccessOffsets {
    return this.globalEarly;
  }
}
