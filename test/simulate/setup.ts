/**
 * Setup for the mini-program simulation tests (jsdom, miniprogram-simulate).
 *
 * 1. The reference server runs in-process, and jsdom's globals lack some of what Node code
 *    expects: Node's TextEncoder/TextDecoder, setImmediate and timers (whose handles have
 *    `unref`) are put back.
 * 2. miniprogram-simulate defines `Component` and `wx` but not `App`, `getApp` or `Page`:
 *    `App(options)` records the app object and `getApp()` returns it. Pages here are
 *    written with `Component()`; `Page()` throws so a page written otherwise is caught.
 */
import timers from 'node:timers'
import { TextDecoder, TextEncoder } from 'node:util'

Object.assign(globalThis, {
  TextDecoder,
  TextEncoder,
  setImmediate: timers.setImmediate,
  clearImmediate: timers.clearImmediate,
  setTimeout: timers.setTimeout,
  clearTimeout: timers.clearTimeout,
  setInterval: timers.setInterval,
  clearInterval: timers.clearInterval,
})

let app: object | null = null

const shims = {
  App(options: object): void {
    app = options
  },
  getApp(): object {
    if (app === null) throw new Error('getApp(): no App() registered (require miniprogram/app or call App() in the test)')
    return app
  },
  Page(): never {
    throw new Error('Page() is not used: pages are written with Component()')
  },
}
Object.assign(globalThis, shims)
