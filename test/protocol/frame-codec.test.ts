import assert from 'node:assert/strict';
import { FrameDecoder, FrameError, frameHeader } from '../../lib/protocol/frame-codec.js';

function frame(body: Buffer): Buffer {
  return Buffer.concat([frameHeader(body.length), body]);
}

describe('frame codec', () => {
  it('reassembles frames split across chunks and several frames in one chunk', () => {
    const d = new FrameDecoder(1024);
    const got: string[] = [];
    const bytes = Buffer.concat([frame(Buffer.from('alpha')), frame(Buffer.from('')), frame(Buffer.from('gamma'))]);
    for (let i = 0; i < bytes.length; i += 3) d.push(bytes.subarray(i, i + 3), (b) => got.push(b.toString()));
    assert.deepEqual(got, ['alpha', '', 'gamma']);
  });

  it('refuses a frame larger than the maximum, naming both sizes', () => {
    const d = new FrameDecoder(10);
    assert.throws(() => d.push(frame(Buffer.alloc(11)), () => {}),
      (e: Error) => e instanceof FrameError && /11 bytes exceeds the maximum frame size of 10 bytes/.test(e.message));
  });
});
