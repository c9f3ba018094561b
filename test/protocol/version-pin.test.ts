// The protocol version means something: each version is pinned to a fingerprint of the wire definitions (message
// types and kinds, the compact layouts, framing, the handshake proof), taken from the source with comments and
// layout stripped. Changing any of them without bumping PROTOCOL_VERSION fails here.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { PROTOCOL_VERSION } from '../../protocol/version.js';
import { PROJECT_ROOT } from '../helpers/paths.js';

/** Every version's fingerprint, oldest first. Add a line for a new version; never change an old one. */
const PINNED: Record<number, string> = {
  2: 'f6da5f354baaa49a7947d4048f2f2ca0d572aaa7ae082810de817cb5e1a06ba2',
  3: '704e5794ada220bbf34f8784d8916aab8d28122d61add77990c9793358b00234',
};

const WIRE_FILES = ['messages.ts', 'fast-codec.ts', 'frame-codec.ts', 'auth.ts'];

export function wireFingerprint(): string {
  const printer = ts.createPrinter({ removeComments: true });
  const h = createHash('sha256');
  for (const name of WIRE_FILES) {
    const text = readFileSync(join(PROJECT_ROOT, 'protocol', name), 'utf8');
    const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    h.update(`${name}\n${printer.printFile(source)}\n`);
  }
  return h.digest('hex');
}

describe('protocol version', () => {
  it('is pinned to a fingerprint of the wire definitions', () => {
    const now = wireFingerprint();
    const latest = Math.max(...Object.keys(PINNED).map(Number));
    assert.equal(PROTOCOL_VERSION, latest, `protocol/version.ts says ${PROTOCOL_VERSION}, the latest pinned version here is ${latest}`);
    assert.equal(now, PINNED[PROTOCOL_VERSION],
      `the wire definitions (${WIRE_FILES.join(', ')} in protocol) changed: their fingerprint is ${now}, version ` +
      `${PROTOCOL_VERSION} was pinned to ${PINNED[PROTOCOL_VERSION]}. Bump PROTOCOL_VERSION in protocol/version.ts and ` +
      `add "${PROTOCOL_VERSION + 1}: '${now}'" to PINNED in this test (a change that only reworded comments does not count).`);
  });

  it('the fingerprint ignores comments and layout but not definitions', () => {
    const printer = ts.createPrinter({ removeComments: true });
    const print = (text: string) => printer.printFile(ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
    assert.equal(print('// a\nexport interface A { x: number }'), print('export interface A {\n  /** b */ x:   number;\n}'));
    assert.notEqual(print('export interface A { x: number }'), print('export interface A { x: string }'));
  });
});
