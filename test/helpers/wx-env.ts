/**
 * A `wx` for tests that reaches real servers: `connectSocket` is the WeChat-faithful shim
 * over `ws` (wx-socket.ts), `request` and `uploadFile` are real HTTP, `login` hands out
 * codes, storage is a map, and the app lifecycle (`onAppShow`/`onAppHide`, network changes)
 * is driven by the test. UI calls (`showToast`, `previewImage`, ...) are recorded.
 *
 * Callback shapes follow WeChat: results carry `errMsg`, callbacks run asynchronously,
 * `getStorageSync` of a missing key gives ''.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { httpRequest } from './http'
import { createWxSocketShim, type WxSocketShim } from './wx-socket'

type Callback<T> = ((res: T) => void) | undefined
interface Callbacks<T> {
  success?: Callback<T>
  fail?: Callback<{ errMsg: string }>
  complete?: Callback<unknown>
}

export interface ChosenMedia {
  tempFilePath: string
  width?: number
  height?: number
}

type NetworkListener = (res: { isConnected: boolean; networkType: string }) => void

/** The calls `wx` gets, for `Object.assign(wx, env.api)`. */
export interface WxApiDouble {
  connectSocket: WxSocketShim
  request(
    options: Callbacks<{ statusCode: number; data: unknown; header: Record<string, unknown>; errMsg: string }> & {
      url: string
      method?: string
      data?: unknown
      header?: Record<string, string>
      dataType?: string
    },
  ): { abort(): void }
  uploadFile(
    options: Callbacks<{ statusCode: number; data: string; errMsg: string }> & {
      url: string
      filePath: string
      name: string
      header?: Record<string, string>
      formData?: Record<string, string>
    },
  ): { abort(): void }
  login(options: Callbacks<{ code: string; errMsg: string }>): void
  getStorageSync(key: string): unknown
  setStorageSync(key: string, value: unknown): void
  removeStorageSync(key: string): void
  chooseMedia(
    options: Callbacks<{ tempFiles: Array<ChosenMedia & { size: number; fileType: 'image' }>; type: string; errMsg: string }>,
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

export interface WxEnv {
  api: WxApiDouble
  /** Every socket task the app opened. */
  readonly sockets: WxSocketShim
  /** What `wx.login` hands out next: `${loginPrefix}-${n}`. */
  loginPrefix: string
  /** `wx.login` fails (as it may in devtools' tourist mode). */
  loginFails: boolean
  /** What `wx.chooseMedia` picks next; empty: the user cancels. */
  readonly media: ChosenMedia[]
  readonly toasts: string[]
  readonly previews: Array<{ current?: string; urls: string[] }>
  readonly titles: string[]
  readonly navigations: string[]
  readonly storage: Map<string, unknown>
  /** Requests made with `wx.request`/`uploadFile`: method and path. */
  readonly requests: string[]
  /** The app goes to the background / comes back (calls the onAppHide / onAppShow listeners). */
  hideApp(): void
  showApp(): void
  setOnline(online: boolean): void
  /** Lifecycle listeners currently registered (a leak check). */
  lifecycleListeners(): number
  /** Writes `bytes` to a temp file, as `chooseMedia` would give it; removed by `cleanup()`. */
  tempFile(bytes: Buffer, ext: string): string
  cleanup(): void
}

const later = (fn: () => void): void => void setImmediate(fn)

function finish<T>(options: Callbacks<T>, ok: boolean, res: T | { errMsg: string }): void {
  later(() => {
    if (ok) options.success?.(res as T)
    else options.fail?.(res as { errMsg: string })
    options.complete?.(res)
  })
}

export function createWxEnv(): WxEnv {
  const sockets = createWxSocketShim()
  const storage = new Map<string, unknown>()
  const shows = new Set<() => void>()
  const hides = new Set<() => void>()
  const networks = new Set<NetworkListener>()
  const tempFiles: string[] = []
  let online = true
  let logins = 0

  const env: WxEnv = {
    sockets,
    loginPrefix: `test-${randomBytes(4).toString('hex')}`,
    loginFails: false,
    media: [],
    toasts: [],
    previews: [],
    titles: [],
    navigations: [],
    storage,
    requests: [],
    api: {
      connectSocket: sockets,
      request(options) {
        const method = (options.method ?? 'GET').toUpperCase()
        env.requests.push(`${method} ${new URL(options.url).pathname}`)
        const body =
          method === 'GET' || options.data === undefined
            ? undefined
            : typeof options.data === 'string'
              ? options.data
              : JSON.stringify(options.data)
        httpRequest(options.url, { method, headers: options.header, body }).then(
          (res) => {
            let data: unknown = res.text
            if ((options.dataType ?? 'json') === 'json') {
              try {
                data = JSON.parse(res.text)
              } catch {
                // WeChat hands over the text when it is not JSON.
              }
            }
            finish(options, true, { statusCode: res.status, data, header: res.headers, errMsg: 'request:ok' })
          },
          (err: Error) => finish(options, false, { errMsg: `request:fail ${err.message}` }),
        )
        return { abort: () => undefined }
      },
      uploadFile(options) {
        env.requests.push(`POST ${new URL(options.url).pathname}`)
        let bytes: Buffer
        try {
          bytes = fs.readFileSync(options.filePath)
        } catch {
          finish(options, false, { errMsg: 'uploadFile:fail file not found' })
          return { abort: () => undefined }
        }
        const boundary = `----wxtest${randomBytes(8).toString('hex')}`
        const parts: Buffer[] = []
        for (const [key, value] of Object.entries(options.formData ?? {})) {
          parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${key}"\r\n\r\n${value}\r\n`))
        }
        parts.push(
          Buffer.from(
            `--${boundary}\r\ncontent-disposition: form-data; name="${options.name}"; filename="${path.basename(options.filePath)}"\r\ncontent-type: application/octet-stream\r\n\r\n`,
          ),
          bytes,
          Buffer.from(`\r\n--${boundary}--\r\n`),
        )
        httpRequest(options.url, {
          method: 'POST',
          headers: { ...options.header, 'content-type': `multipart/form-data; boundary=${boundary}` },
          body: Buffer.concat(parts),
        }).then(
          (res) => finish(options, true, { statusCode: res.status, data: res.text, errMsg: 'uploadFile:ok' }),
          (err: Error) => finish(options, false, { errMsg: `uploadFile:fail ${err.message}` }),
        )
        return { abort: () => undefined }
      },
      login(options) {
        if (env.loginFails) return finish(options, false, { errMsg: 'login:fail' })
        finish(options, true, { code: `${env.loginPrefix}-${++logins}`, errMsg: 'login:ok' })
      },
      getStorageSync: (key) => (storage.has(key) ? JSON.parse(JSON.stringify(storage.get(key))) : ''),
      setStorageSync: (key, value) => void storage.set(key, JSON.parse(JSON.stringify(value))),
      removeStorageSync: (key) => void storage.delete(key),
      chooseMedia(options) {
        const next = env.media.shift()
        if (next === undefined) return finish(options, false, { errMsg: 'chooseMedia:fail cancel' })
        const size = fs.statSync(next.tempFilePath).size
        finish(options, true, { tempFiles: [{ ...next, size, fileType: 'image' as const }], type: 'image', errMsg: 'chooseMedia:ok' })
      },
      previewImage: (options) => void env.previews.push({ current: options.current, urls: options.urls.slice() }),
      showToast: (options) => void env.toasts.push(options.title),
      showLoading: () => undefined,
      hideLoading: () => undefined,
      setNavigationBarTitle: (options) => void env.titles.push(options.title),
      navigateTo: (options) => void env.navigations.push(options.url),
      onAppShow: (fn) => void shows.add(fn),
      offAppShow: (fn) => void shows.delete(fn),
      onAppHide: (fn) => void hides.add(fn),
      offAppHide: (fn) => void hides.delete(fn),
      onNetworkStatusChange: (fn) => void networks.add(fn),
      offNetworkStatusChange: (fn) => void networks.delete(fn),
      getNetworkType: (options) => later(() => options.success?.({ networkType: online ? 'wifi' : 'none' })),
    },
    hideApp: () => [...hides].forEach((fn) => fn()),
    showApp: () => [...shows].forEach((fn) => fn()),
    setOnline(value) {
      online = value
      const res = { isConnected: value, networkType: value ? 'wifi' : 'none' }
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
