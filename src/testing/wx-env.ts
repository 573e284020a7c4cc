/**
 * A `wx` for miniprogram-simulate tests: `connectSocket` is the one you pass (the WeChat-faithful
 * one over `ws` for integration tests, a fake for unit tests), `request` and `uploadFile` are
 * real HTTP, `login` and `chooseMedia` are doubles the test steers, storage is a Map, and the app
 * lifecycle (`onAppShow`/`onAppHide`, network changes) is driven by the test. UI calls
 * (`showToast`, `previewImage`, `navigateTo`…) are recorded.
 *
 * Callback shapes follow WeChat: results carry `errMsg`, callbacks run asynchronously (after
 * the current turn, on setImmediate), `getStorageSync` of a missing key gives '', stored
 * values are copies (JSON round trip).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import type { ConnectSocket } from '../types'
import { createFakeConnectSocket } from './fake-connect-socket'
import { httpRequest } from './http'

type Callback<T> = ((res: T) => void) | undefined
export interface WxCallbacks<T> {
  success?: Callback<T>
  fail?: Callback<{ errMsg: string }>
  complete?: Callback<unknown>
}

export interface ChosenMedia {
  tempFilePath: string
  width?: number
  height?: number
}

/** `wx.getNetworkType` values; 'none' is offline. */
export type NetworkType = 'none' | 'wifi' | '2g' | '3g' | '4g' | '5g' | 'unknown'

type NetworkListener = (res: { isConnected: boolean; networkType: string }) => void

/** The `wx` calls the env implements. */
export interface WxApi<C extends ConnectSocket = ConnectSocket> {
  connectSocket: C
  request(
    options: WxCallbacks<{ statusCode: number; data: unknown; header: Record<string, unknown>; errMsg: string }> & {
      url: string
      method?: string
      data?: unknown
      header?: Record<string, string>
      dataType?: string
    },
  ): { abort(): void }
  uploadFile(
    options: WxCallbacks<{ statusCode: number; data: string; errMsg: string }> & {
      url: string
      filePath: string
      name: string
      header?: Record<string, string>
      formData?: Record<string, string>
    },
  ): { abort(): void }
  login(options: WxCallbacks<{ code: string; errMsg: string }>): void
  getStorageSync(key: string): unknown
  setStorageSync(key: string, value: unknown): void
  removeStorageSync(key: string): void
  chooseMedia(
    options: WxCallbacks<{ tempFiles: Array<ChosenMedia & { size: number; fileType: 'image' }>; type: string; errMsg: string }>,
  ): void
  previewImage(options: { current?: string; urls: string[] }): void
  showToast(options: { title: string }): void
  showLoading(options: { title: string }): void
  hideLoading(): void
  setNavigationBarTitle(options: { title: string }): void
  navigateTo(options: { url: string }): void
  onAppShow(fn: () => void): void
  offAppShow(fn: () => void): void
  onAppHide(fn: () => void): void
  offAppHide(fn: () => void): void
  onNetworkStatusChange(fn: NetworkListener): void
  offNetworkStatusChange(fn: NetworkListener): void
  getNetworkType(options: { success?: (res: { networkType: string }) => void }): void
}

/** The test's side of the env. */
export interface WxEnvControls {
  /** What `wx.login` hands out next: `${loginPrefix}-${n}`. */
  loginPrefix: string
  /** `wx.login` fails (as it may in devtools' tourist mode). */
  loginFails: boolean
  /** What `wx.chooseMedia` picks next, one per call; empty: the user cancels. */
  readonly media: ChosenMedia[]
  readonly toasts: string[]
  readonly previews: Array<{ current?: string; urls: string[] }>
  readonly titles: string[]
  readonly navigations: string[]
  /** The storage behind get/set/removeStorageSync. */
  readonly storage: Map<string, unknown>
  /** Requests made with `wx.request`/`uploadFile`: `METHOD /path`. */
  readonly requests: string[]
  /** The app goes to the background: calls the `onAppHide` listeners (ChatSocket pauses its heartbeat). */
  emitAppHide(): void
  /** The app comes back: calls the `onAppShow` listeners (ChatSocket checks the link, reconnects at once). */
  emitAppShow(): void
  /**
   * The network changes: `onNetworkStatusChange` listeners and later `getNetworkType` calls see
   * it. Only the events: sockets and requests keep working (cut a link with the server's `kill()`).
   */
  setNetwork(type: NetworkType): void
  /** Lifecycle listeners registered now (a leak check after a page unloads). */
  lifecycleListeners(): number
  /** Writes `bytes` to a temp file, as `chooseMedia` would give it; removed by `cleanup()`. */
  tempFile(bytes: Uint8Array | string, ext: string): string
  /** Removes the temp files. */
  cleanup(): void
}

/** `createWxEnv()`: a `wx` (install it with `Object.assign(wx, env)`) that is also the test's handle. */
export type WxEnv<C extends ConnectSocket = ConnectSocket> = WxApi<C> & WxEnvControls

export interface WxEnvOptions<C extends ConnectSocket> {
  /** Default: `createFakeConnectSocket().connectSocket` (no network). */
  connectSocket?: C
  /** Storage to start from (a relaunch: the previous env's `storage`). */
  storage?: Iterable<[string, unknown]>
  /** Initial network. Default 'wifi'. */
  network?: NetworkType
}

const later = (fn: () => void): void => void setImmediate(fn)

function finish<T>(options: WxCallbacks<T>, ok: boolean, res: T | { errMsg: string }): void {
  later(() => {
    if (ok) options.success?.(res as T)
    else options.fail?.(res as { errMsg: string })
    options.complete?.(res)
  })
}

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T

export function createWxEnv<C extends ConnectSocket = ConnectSocket>(options: WxEnvOptions<C> = {}): WxEnv<C> {
  const connectSocket = options.connectSocket ?? (createFakeConnectSocket().connectSocket as C)
  if (typeof connectSocket !== 'function') throw new TypeError('createWxEnv: connectSocket must be a function like wx.connectSocket')
  const storage = new Map<string, unknown>(options.storage ?? [])
  const shows = new Set<() => void>()
  const hides = new Set<() => void>()
  const networks = new Set<NetworkListener>()
  const tempFiles: string[] = []
  let network: NetworkType = options.network ?? 'wifi'
  let logins = 0

  const env: WxEnv<C> = {
    loginPrefix: `test-${randomBytes(4).toString('hex')}`,
    loginFails: false,
    media: [],
    toasts: [],
    previews: [],
    titles: [],
    navigations: [],
    storage,
    requests: [],
    connectSocket,
    request(o) {
      const method = (o.method ?? 'GET').toUpperCase()
      env.requests.push(`${method} ${new URL(o.url).pathname}`)
      const body = method === 'GET' || o.data === undefined ? undefined : typeof o.data === 'string' ? o.data : JSON.stringify(o.data)
      httpRequest(o.url, { method, headers: o.header, body }).then(
        (res) => {
          let data: unknown = res.text
          if ((o.dataType ?? 'json') === 'json') {
            try {
              data = JSON.parse(res.text)
            } catch {
              // WeChat hands over the text when it is not JSON.
            }
          }
          finish(o, true, { statusCode: res.status, data, header: res.headers, errMsg: 'request:ok' })
        },
        (err: Error) => finish(o, false, { errMsg: `request:fail ${err.message}` }),
      )
      return { abort: () => undefined }
    },
    uploadFile(o) {
      env.requests.push(`POST ${new URL(o.url).pathname}`)
      let bytes: Buffer
      try {
        bytes = fs.readFileSync(o.filePath)
      } catch {
        finish(o, false, { errMsg: 'uploadFile:fail file not found' })
        return { abort: () => undefined }
      }
      const boundary = `----wxtest${randomBytes(8).toString('hex')}`
      const parts: Buffer[] = []
      for (const [key, value] of Object.entries(o.formData ?? {})) {
        parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`))
      }
      parts.push(
        Buffer.from(
          `--${boundary}\r\ncontent-disposition: form-data; name="${o.name}"; filename="${path.basename(o.filePath)}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
        ),
        bytes,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      )
      httpRequest(o.url, {
        method: 'POST',
        headers: { ...o.header, 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: Buffer.concat(parts),
      }).then(
        (res) => finish(o, true, { statusCode: res.status, data: res.text, errMsg: 'uploadFile:ok' }),
        (err: Error) => finish(o, false, { errMsg: `uploadFile:fail ${err.message}` }),
      )
      return { abort: () => undefined }
    },
    login(o) {
      if (env.loginFails) return finish(o, false, { errMsg: 'login:fail' })
      finish(o, true, { code: `${env.loginPrefix}-${++logins}`, errMsg: 'login:ok' })
    },
    getStorageSync: (key) => (storage.has(key) ? copy(storage.get(key)) : ''),
    setStorageSync: (key, value) => void storage.set(key, copy(value)),
    removeStorageSync: (key) => void storage.delete(key),
    chooseMedia(o) {
      const next = env.media.shift()
      if (next === undefined) return finish(o, false, { errMsg: 'chooseMedia:fail cancel' })
      const size = fs.statSync(next.tempFilePath).size
      finish(o, true, { tempFiles: [{ ...next, size, fileType: 'image' as const }], type: 'image', errMsg: 'chooseMedia:ok' })
    },
    previewImage: (o) => void env.previews.push({ current: o.current, urls: o.urls.slice() }),
    showToast: (o) => void env.toasts.push(o.title),
    showLoading: () => undefined,
    hideLoading: () => undefined,
    setNavigationBarTitle: (o) => void env.titles.push(o.title),
    navigateTo: (o) => void env.navigations.push(o.url),
    onAppShow: (fn) => void shows.add(fn),
    offAppShow: (fn) => void shows.delete(fn),
    onAppHide: (fn) => void hides.add(fn),
    offAppHide: (fn) => void hides.delete(fn),
    onNetworkStatusChange: (fn) => void networks.add(fn),
    offNetworkStatusChange: (fn) => void networks.delete(fn),
    getNetworkType: (o) => later(() => o.success?.({ networkType: network })),
    emitAppHide: () => [...hides].forEach((fn) => fn()),
    emitAppShow: () => [...shows].forEach((fn) => fn()),
    setNetwork(type) {
      network = type
      const res = { isConnected: type !== 'none', networkType: type }
      ;[...networks].forEach((fn) => fn(res))
    },
    lifecycleListeners: () => shows.size + hides.size + networks.size,
    tempFile(bytes, ext) {
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wx-tmp-')), `tmp_${randomBytes(6).toString('hex')}.${ext}`)
      fs.writeFileSync(file, bytes)
      tempFiles.push(file)
      return file
    },
    cleanup() {
      for (const file of tempFiles.splice(0)) fs.rmSync(path.dirname(file), { recursive: true, force: true })
    },
  }
  return env
}
