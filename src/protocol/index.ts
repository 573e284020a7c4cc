/**
 * The wire protocol both sides import (docs/protocol.md): frame types, codes, the codec.
 * Platform-free and small: the client, the chat layer, the server, the console and the
 * pages all take it from here.
 */
export * from './codes'
export * from './link'
export * from './codec'
export * from './shapes'
export * from './chat-frames'
export * from './text'
export * from './polling'
export * from './desk'
