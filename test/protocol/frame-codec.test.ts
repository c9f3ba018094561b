import assert from 'node:assert/strict';
import { FrameDecoder, FrameError, frameHeader } from '../../protocol/frame-codec.js';

function frame(body: Buffer, kind = 7): Buffer {
  return Buffer.concat([frameHeader(body.length, kind), body]);
}

const upTo = (max: number) => (_kind: number, length: number) => (length > max ? `${length} bytes exceeds ${max}` : null);

describe('frame codec', () => {
  it('reassembles frames split across chunks and several frames in one chunk, with their kinds', () => {
    const d = new FrameDecoder(upTo(1024));
    const got: string[] = [];
    const bytes = Buffer.concat([frame(Buffer.from('alpha'), 1), frame(Buffer.from(''), 2), frame(Buffer.from('gamma'), 3)]);
    for (let i = 0; i < bytes.length; i += 3) d.push(bytes.subarray(i, i + 3), (k, b) => got.push(`${k}:${b.toString()}`));
    assert.deepEqual(got, ['1:alpha', '2:', '3:gamma']);
  });

  it('an empty last frame with nothing after it is delivered', () => {
    const d = new FrameDecoder(upTo(10));
    const got: number[] = [];
    d.push(frame(Buffer.alloc(0), 4), (k, b) => got.push(k, b.length));
    assert.deepEqual(got, [4, 0]);
  });

  it('refuses a frame its limit refuses on the header, before the body arrives', () => {
    const d = new FrameDecoder(upTo(10));
    assert.throws(() => d.push(frameHeader(11, 1), () => {}),
      (e: Error) => e instanceof FrameError && /11 bytes exceeds 10/.test(e.message));
  });
});
