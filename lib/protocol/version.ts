/** Wire protocol identity. Bump PROTOCOL_VERSION on any incompatible change to messages or framing. */
export const PROTOCOL_NAME = 'trellis';
export const PROTOCOL_VERSION = 2;
