/** Wire protocol identity. Bump PROTOCOL_VERSION on any change to messages, framing or the handshake: the test
 * test/protocol/version-pin.test.ts pins each version to a fingerprint of protocol's wire definitions. */
export const PROTOCOL_NAME = 'trellis';
export const PROTOCOL_VERSION = 3;
