// Length-prefixed frames: a 4-byte big-endian body length and a 1-byte message kind, then the body. The kind
// comes before the body so that a frame's size is checked against its kind's limit (and a kind the receiver
// does not accept now is refused) before a single byte of the body is buffered.

export const FRAME_HEADER_BYTES = 5;
const EMPTY = Buffer.alloc(0);

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export function frameHeader(length: number, kind: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(length, 0);
  header[4] = kind;
  return header;
}

/** What the receiver accepts now: the largest body for a kind, or why that kind is refused. */
export type FrameLimit = (kind: number, length: number) => string | null;

/** Accumulates socket chunks and yields complete frame bodies with their kind. */
export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private expected = -1;
  private kind = 0;

  constructor(public limit: FrameLimit) {}

  /** Feeds bytes; calls onFrame for each complete body. Throws FrameError on a frame its limit refuses. */
  push(chunk: Buffer, onFrame: (kind: number, body: Buffer) => void): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expected < 0) {
        if (this.buffered < FRAME_HEADER_BYTES) return;
        const head = this.take(FRAME_HEADER_BYTES);
        const length = head.readUInt32BE(0);
        this.kind = head[4];
        const problem = this.limit(this.kind, length);
        if (problem !== null) throw new FrameError(problem);
        this.expected = length;
      }
      if (this.buffered < this.expected) return;
      const body = this.take(this.expected);
      this.expected = -1;
      onFrame(this.kind, body);
    }
  }

  /** Bytes held for a frame not yet complete. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private take(n: number): Buffer {
    if (n === 0) return EMPTY;
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
