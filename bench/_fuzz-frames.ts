// Random and mutated frames for the fuzz benchmark: valid messages with one field replaced by a hostile value,
// serialized bodies with bytes flipped, cut or added, lying headers, compact result layouts with garbage, and
// plain random bytes. Seeded, so a run can be repeated.
import { serialize } from 'node:v8';
import { frameHeader } from '../protocol/frame-codec.js';
import { MESSAGE_KINDS } from '../protocol/messages.js';

/** mulberry32: a small seeded generator. */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FrameFuzzer {
  constructor(private readonly rnd: () => number) {}

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }

  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  hostileValue(): unknown {
    const r = this.int(22);
    switch (r) {
      case 0: return null;
      case 1: return undefined;
      case 2: return -1;
      case 3: return NaN;
      case 4: return Infinity;
      case 5: return 1e308;
      case 6: return '';
      case 7: return 'x'.repeat(this.int(5000));
      case 8: return [];
      case 9: return {};
      case 10: return this.bytes(this.int(64));
      case 11: return { nested: { deeper: [1, { a: NaN }] } };
      case 12: return 2 ** 53;
      case 13: return true;
      case 14: return 10n ** 30n;
      case 15: return new Date(NaN);
      case 16: return new Map([[1, 2]]);
      case 17: return -0;
      case 18: return 4294967296;
      case 19: return { __proto__: { polluted: true } };
      case 20: return [this.bytes(4), 'a', 3];
      default: return this.int(1000);
    }
  }

  /** A message with one field (possibly nested) replaced by a hostile value, or removed, or one added. */
  mutateFields(msg: Record<string, unknown>): Record<string, unknown> {
    const out = structuredClone(msg);
    const rounds = 1 + this.int(3);
    for (let i = 0; i < rounds; i++) {
      let target: Record<string, unknown> = out;
      const keys = Object.keys(target).filter((k) => k !== 'type' || this.int(10) === 0);
      let key = this.pick(keys);
      const inner = target[key];
      if (inner && typeof inner === 'object' && !(inner instanceof Uint8Array) && !Array.isArray(inner) && this.int(2) === 0) {
        target = inner as Record<string, unknown>;
        const innerKeys = Object.keys(target);
        if (innerKeys.length) key = this.pick(innerKeys);
      }
      const what = this.int(10);
      if (what === 0) delete target[key];
      else if (what === 1) target[`extra${this.int(5)}`] = this.hostileValue();
      else target[key] = this.hostileValue();
    }
    return out;
  }

  /** A body with bytes flipped, cut short, extended or replaced in a run. */
  mutateBytes(body: Buffer): Buffer {
    const b = Buffer.from(body);
    switch (this.int(4)) {
      case 0: {
        const n = 1 + this.int(4);
        for (let i = 0; i < n && b.length; i++) b[this.int(b.length)] = this.int(256);
        return b;
      }
      case 1: return b.subarray(0, this.int(b.length + 1));
      case 2: return Buffer.concat([b, this.bytes(1 + this.int(32))]);
      default: {
        const at = this.int(b.length + 1);
        return Buffer.concat([b.subarray(0, at), this.bytes(1 + this.int(16)), b.subarray(at)]);
      }
    }
  }

  /** A complete frame built from a valid message by one of the mutations; `kind` may lie about the body. */
  frameFrom(msg: Record<string, unknown>): Buffer {
    const kindOf = MESSAGE_KINDS[msg.type as keyof typeof MESSAGE_KINDS] ?? 0;
    let body: Buffer;
    let kind: number = kindOf;
    const how = this.int(10);
    if (how < 5) body = safeSerialize(this.mutateFields(msg));
    else if (how < 8) body = this.mutateBytes(safeSerialize(msg));
    else if (how < 9) {
      body = safeSerialize(msg);
      kind = this.int(20);
    } else body = this.bytes(this.int(200));
    return Buffer.concat([frameHeader(body.length, kind), body]);
  }

  /** A compact success result (first body byte 2) for task `id` with garbage in some part. */
  compactResult(id: number): Buffer {
    const head = Buffer.alloc(37);
    head[0] = 2;
    head.writeUInt32BE(id, 1);
    const doubles = [1, 2, this.pick([-1, 0.5, NaN, -5, Infinity]), this.pick([-1, 10, NaN, -3])];
    doubles[this.int(2)] = this.pick([NaN, -1, 1e300, 5]);
    doubles.forEach((d, i) => head.writeDoubleBE(d, 5 + 8 * i));
    const value = this.int(3) === 0 ? serialize(this.int(100)) : this.bytes(this.int(40));
    const body = Buffer.concat([head.subarray(0, this.int(4) === 0 ? this.int(37) : 37), value]);
    return Buffer.concat([frameHeader(body.length, MESSAGE_KINDS.result), body]);
  }

  /** Plain random bytes, sometimes behind a plausible header. */
  noise(): Buffer {
    if (this.int(2) === 0) return this.bytes(1 + this.int(300));
    const body = this.bytes(this.int(300));
    return Buffer.concat([frameHeader(this.int(3) === 0 ? this.int(1 << 20) : body.length, this.int(16)), body]);
  }
}

function safeSerialize(v: unknown): Buffer {
  try {
    return serialize(v);
  } catch {
    return serialize(String(v));
  }
}
