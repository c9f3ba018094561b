// Compact encodings for the two messages that dominate traffic — a function task and a plain successful
// result — written by hand instead of through V8's serializer, which costs more than the payload itself for
// small calls. A V8-serialized body always starts with 0xFF, so a first byte of 1 or 2 marks these.
import type { AnyMessage, FunctionTaskSpec, Measurement, TaskResult } from './messages.js';

const TAG_FUNCTION_TASK = 1;
const TAG_SUCCESS = 2;

/** Returns the compact body for a message that has one, else null (the caller uses V8's serializer). The body
 * starts `headroom` bytes in, so that a frame header can be written in front without another buffer. */
export function encodeFast(msg: AnyMessage, headroom = 0): Buffer | null {
  if (msg.type === 'task' && msg.kind === 'function') return encodeTask(msg, headroom);
  if (msg.type === 'result' && msg.outcome === 'success' && msg.value && !msg.error && !msg.gpuIds &&
    msg.exitCode === undefined && !msg.outputs && !msg.exhausted && (!msg.measured || isThreadMeasurement(msg.measured))) {
    return encodeSuccess(msg, headroom);
  }
  return null;
}

function encodeTask(t: FunctionTaskSpec, at: number): Buffer {
  // Strings are written in place: latin1 is one byte per character (env is a hex hash).
  const envLength = t.env.length;
  const nameLength = Buffer.byteLength(t.exportName, 'utf8');
  const head = 1 + 4 + 8 * 5 + 1 + envLength + 2 + nameLength;
  const b = Buffer.allocUnsafe(at + head + t.args.length);
  let o = b.writeUInt8(TAG_FUNCTION_TASK, at);
  o = b.writeUInt32BE(t.id, o);
  o = b.writeDoubleBE(t.resources.cores, o);
  o = b.writeDoubleBE(t.resources.memory, o);
  o = b.writeDoubleBE(t.resources.disk, o);
  o = b.writeDoubleBE(t.resources.gpus, o);
  o = b.writeDoubleBE(t.wallTime ?? -1, o);
  o = b.writeUInt8(envLength, o);
  o += b.write(t.env, o, envLength, 'latin1');
  o = b.writeUInt16BE(nameLength, o);
  o += b.write(t.exportName, o, nameLength, 'utf8');
  b.set(t.args, o);
  return b;
}

function isThreadMeasurement(m: Measurement): boolean {
  return m.coresPeak === undefined && m.disk === undefined;
}

const SUCCESS_HEAD = 1 + 4 + 8 * 4;

function encodeSuccess(r: TaskResult, at: number): Buffer {
  const b = Buffer.allocUnsafe(at + SUCCESS_HEAD + r.value!.length);
  let o = b.writeUInt8(TAG_SUCCESS, at);
  o = b.writeUInt32BE(r.id, o);
  o = b.writeDoubleBE(r.started, o);
  o = b.writeDoubleBE(r.finished, o);
  o = b.writeDoubleBE(r.measured ? r.measured.cpuTime : -1, o);
  o = b.writeDoubleBE(r.measured ? r.measured.memory : -1, o);
  b.set(r.value!, o);
  return b;
}

/** Decodes a compact body, or returns undefined when the body is not one (V8's serializer wrote it). */
export function decodeFast(b: Buffer): AnyMessage | undefined {
  const tag = b[0];
  if (tag === TAG_FUNCTION_TASK) {
    let o = 1;
    const id = b.readUInt32BE(o); o += 4;
    const cores = b.readDoubleBE(o); o += 8;
    const memory = b.readDoubleBE(o); o += 8;
    const disk = b.readDoubleBE(o); o += 8;
    const gpus = b.readDoubleBE(o); o += 8;
    const wall = b.readDoubleBE(o); o += 8;
    const envLen = b.readUInt8(o); o += 1;
    const env = b.toString('latin1', o, o + envLen); o += envLen;
    const nameLen = b.readUInt16BE(o); o += 2;
    const exportName = b.toString('utf8', o, o + nameLen); o += nameLen;
    if (o > b.length) throw new RangeError(`compact task frame of ${b.length} bytes is truncated`);
    return { type: 'task', kind: 'function', id, env, exportName, args: b.subarray(o),
      resources: { cores, memory, disk, gpus }, wallTime: wall < 0 ? null : wall };
  }
  if (tag === TAG_SUCCESS) {
    if (b.length < SUCCESS_HEAD) throw new RangeError(`compact result frame of ${b.length} bytes is truncated`);
    const r: TaskResult = { type: 'result', id: b.readUInt32BE(1), outcome: 'success', started: b.readDoubleBE(5),
      finished: b.readDoubleBE(13), value: b.subarray(SUCCESS_HEAD) };
    const cpuTime = b.readDoubleBE(21);
    if (cpuTime >= 0) r.measured = { cpuTime, memory: b.readDoubleBE(29) };
    return r;
  }
  return undefined;
}
