/**
 * State that jest-setup (globals) and the page helper (openPage) share although they are
 * separate entries (each bundled on its own): kept on globalThis under a registered symbol.
 */
export interface SharedState {
  /** What `App(options)` registered; `getApp()` returns it. */
  app: object | null
  /** The open pages, oldest first: `getCurrentPages()`. */
  pages: object[]
}

const KEY = Symbol.for('miniprogram-chat-socket/testing')

export function shared(): SharedState {
  const g = globalThis as { [KEY]?: SharedState }
  return (g[KEY] ??= { app: null, pages: [] })
}
