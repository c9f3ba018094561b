// Length-prefixed frames: a 4-byte big-endian length, then the body. The decoder enforces a maximum size
// so a peer cannot make us buffer without bound.

export const FRAME_HEADER_BYTES = 4;

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export function frameHeader(length: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(length, 0);
  return header;
}

/** Accumulates socket chunks and yields complete frame bodies. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;

  constructor(public maxFrameBytes: number) {}

  /** Feeds bytes; calls onFrame for each complete body. Throws FrameError on an oversized frame. */
  push(chunk: Buffer, onFrame: (body: Buffer) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < FRAME_HEADER_BYTES) return;
        const head = this.take(FRAME_HEADER_BYTES);
        this.expected = head.readUInt32BE(0);
        if (this.expected > this.maxFrameBytes) {
          throw new FrameError(
            `frame of ${this.expected} bytes exceeds the maximum frame size of ${this.maxFrameBytes} bytes`);
        }
      }
      if (this.buffered < this.expected) return;
      const body = this.take(this.expected);
      this.expected = -1;
      onFrame(body);
    }
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length >= n) {
      // Common case: the frame lies within one chunk; slice without copying.
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const want = n - filled;
      if (c.length <= want) {
        c.copy(out, filled);
        filled += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, filled, 0, want);
        this.chunks[0] = c.subarray(want);
        filled += want;
      }
    }
    this.buffered -= n;
    return out;
  }
}
