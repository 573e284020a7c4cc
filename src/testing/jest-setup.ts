/**
 * `setupFiles: ['miniprogram-chat-socket/testing/jest-setup']` for miniprogram-simulate tests
 * (testEnvironment 'jsdom'). Exports nothing; installs:
 *
 * 1. What miniprogram-simulate does not define: `App(options)` (records the app object and
 *    calls its `onLaunch`), `getApp()`, `getCurrentPages()` (the pages `openPage()` opened and
 *    has not closed, oldest first) and `Page(options)`, which registers the page as the
 *    `Component()` WeChat would make of it (functions become methods, `data` stays data, other
 *    fields are copied onto each instance), so pages written with `Page()` load as well.
 * 2. miniprogram-simulate itself, when installed: it defines the global `wx` and `Component`.
 * 3. What jsdom's globals lack and Node code (the `ws` client, a server started in the test)
 *    expects: Node's TextEncoder/TextDecoder, setImmediate/clearImmediate and timers whose
 *    handles have `unref`.
 */
import timers from 'node:timers'
import { TextDecoder, TextEncoder } from 'node:util'
import { shared } from './pages'

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

type AnyOptions = Record<string, unknown>
const state = shared()

function App(options: AnyOptions): void {
  state.app = options
  const onLaunch = options.onLaunch
  if (typeof onLaunch === 'function') (onLaunch as (o: object) => void).call(options, { path: '', query: {}, scene: 1001 })
}

function getApp(): object {
  if (state.app === null) throw new Error('getApp(): no App() registered: require your app.js in the test, or call App({...}) first')
  return state.app
}

function getCurrentPages(): object[] {
  return state.pages.slice()
}

function Page(options: AnyOptions): void {
  const Component = (globalThis as { Component?: (o: object) => void }).Component
  if (typeof Component !== 'function') throw new Error('Page(): load the page with miniprogram-simulate (openPage or simulate.load)')
  const methods: Record<string, unknown> = {}
  const fields: AnyOptions = {}
  for (const [key, value] of Object.entries(options)) {
    if (key === 'data') continue
    if (typeof value === 'function') methods[key] = value
    else fields[key] = value
  }
  Component({
    data: options.data ?? {},
    methods,
    lifetimes: {
      created(this: object) {
        Object.assign(this, JSON.parse(JSON.stringify(fields)) as AnyOptions)
      },
    },
  })
}

Object.assign(globalThis, { App, getApp, getCurrentPages, Page })

// miniprogram-simulate defines the global `wx` and `Component` when it loads: load it now (when
// installed), so a test can install its `wx` (Object.assign(wx, createWxEnv(…))) before any page.
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('miniprogram-simulate')
} catch (error) {
  if ((error as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw error
}
