/**
 * The few `wx` calls the chat service makes, as promises, behind one small interface, so
 * the service runs on WeChat, in tests (a `wx` over the real server) and in the benchmark.
 */
import type { ConnectSocket, LifecycleHost, RequestFn } from '../lib/index'

export interface HttpResponse<T> {
  statusCode: number
  data: T
}

export interface Platform {
  /** `wx.login`: a one-time code for `POST /api/login`. */
  login(): Promise<string>
  /** `wx.request` with a JSON body; resolves with any HTTP status, rejects on network failure. */
  request(options: {
    url: string
    method: 'GET' | 'POST'
    data?: Record<string, unknown>
    header?: Record<string, string>
  }): Promise<HttpResponse<unknown>>
  /** `wx.uploadFile`: multipart upload of a local file; `data` is the response text. `onProgress`: 0–100 (`UploadTask.onProgressUpdate`). */
  uploadFile(options: {
    url: string
    filePath: string
    name: string
    header?: Record<string, string>
    onProgress?: (percent: number) => void
  }): Promise<HttpResponse<string>>
  getStorage(key: string): unknown
  setStorage(key: string, value: unknown): void
  removeStorage(key: string): void
  connectSocket: ConnectSocket
  /** `wx.request` itself, as ChatSocket's long-polling transport calls it (`transports` with 'polling'). */
  pollingRequest: RequestFn
  /** App hide/show and network changes, for ChatSocket. */
  lifecycle: LifecycleHost
}

/** A `wx` failure as an `Error` carrying WeChat's `errMsg`. */
export class WxError extends Error {
  constructor(readonly errMsg: string) {
    super(errMsg)
    this.name = 'WxError'
  }
}

const failed = (reject: (e: Error) => void) => (err: { errMsg: string }) => reject(new WxError(err.errMsg))

export function wxPlatform(api: WechatMiniprogram.Wx): Platform {
  // offNetworkStatusChange's typing takes a differently named callback type than on*; it is the same function.
  const lifecycle: LifecycleHost = {
    onAppHide: (fn) => api.onAppHide(fn),
    offAppHide: (fn) => api.offAppHide(fn),
    onAppShow: (fn) => api.onAppShow(fn),
    offAppShow: (fn) => api.offAppShow(fn),
    onNetworkStatusChange: (fn) => api.onNetworkStatusChange(fn),
    offNetworkStatusChange: (fn) => api.offNetworkStatusChange(fn as unknown as WechatMiniprogram.OffNetworkStatusChangeCallback),
    getNetworkType: (options) => void api.getNetworkType({ success: (res) => options.success?.(res) }),
  }
  return {
    login: () =>
      new Promise((resolve, reject) => {
        api.login({ success: (res) => resolve(res.code), fail: failed(reject) })
      }),
    request: (options) =>
      new Promise((resolve, reject) => {
        api.request({
          url: options.url,
          method: options.method,
          ...(options.data !== undefined && { data: options.data }),
          header: { 'content-type': 'application/json', ...options.header },
          dataType: 'json',
          success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
          fail: failed(reject),
        })
      }),
    uploadFile: ({ onProgress, ...options }) =>
      new Promise((resolve, reject) => {
        const task = api.uploadFile({
          ...options,
          success: (res) => resolve({ statusCode: res.statusCode, data: res.data }),
          fail: failed(reject),
        })
        // Older test doubles return no task; WeChat always does.
        if (onProgress !== undefined && typeof task?.onProgressUpdate === 'function') {
          task.onProgressUpdate((res) => onProgress(res.progress))
        }
      }),
    getStorage: (key) => api.getStorageSync(key),
    setStorage: (key, value) => api.setStorageSync(key, value),
    removeStorage: (key) => api.removeStorageSync(key),
    connectSocket: (options) => api.connectSocket(options),
    // The polling transport's options are wx.request's own fields (text body, dataType 'text').
    pollingRequest: (options) => api.request(options),
    lifecycle,
  }
}
