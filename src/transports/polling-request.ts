/**
 * The HTTP request PollingTransport makes: `wx.request`'s shape (the fields it uses), so the
 * global `wx.request` (or `my.request`, `tt.request`, `uni.request`) is the default, and
 * `createFetchRequest()` adapts `fetch` for browsers and Node.
 */

export interface RequestOptions {
  url: string
  method: 'GET' | 'POST' | 'DELETE'
  /** The body: a batch of frames (text). */
  data?: string
  header?: Record<string, string>
  /** ms before the request fails. */
  timeout?: number
  /** 'text': the body is given as it came, not parsed as JSON. */
  dataType?: string
  responseType?: 'text'
  success?: (res: { statusCode: number; data: unknown }) => void
  fail?: (err: { errMsg: string }) => void
}

/** What `wx.request` returns: a task that can be aborted. */
export interface RequestTaskLike {
  abort(): void
}

/** `wx.request`, or an adapter of the same shape. */
export type RequestFn = (options: RequestOptions) => RequestTaskLike | void

/** The subset of `fetch` used: a URL and an init with method, headers, body and signal, answered with status and text. */
export type FetchFn = (
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>

/**
 * A `request` option over `fetch` (the global one by default), for browsers and Node:
 * `new ChatSocket({ url, transports: ['websocket', 'polling'], request: createFetchRequest() })`.
 * Each call settles once: `success` with the status and the body as text, or `fail` (network
 * error, timeout, abort).
 */
export function createFetchRequest(fetchImpl?: FetchFn): RequestFn {
  const f = fetchImpl ?? (globalThis as { fetch?: FetchFn }).fetch
  if (typeof f !== 'function') throw new TypeError('createFetchRequest(fetch): no fetch here; pass one')
  return (options) => {
    const controller = new AbortController()
    let done = false
    const timer =
      options.timeout !== undefined
        ? setTimeout(() => {
            controller.abort()
            finish(() => options.fail?.({ errMsg: `request:fail timeout after ${options.timeout} ms` }))
          }, options.timeout)
        : undefined
    const finish = (report: () => void): void => {
      if (done) return
      done = true
      if (timer !== undefined) clearTimeout(timer)
      report()
    }
    f(options.url, {
      method: options.method,
      ...(options.header !== undefined && { headers: options.header }),
      ...(options.data !== undefined && options.method !== 'GET' && { body: options.data }),
      signal: controller.signal,
    })
      .then(async (res) => {
        const text = await res.text()
        finish(() => options.success?.({ statusCode: res.status, data: text }))
      })
      .catch((err: unknown) => finish(() => options.fail?.({ errMsg: `request:fail ${err instanceof Error ? err.message : String(err)}` })))
    return {
      abort: () => {
        controller.abort()
        finish(() => options.fail?.({ errMsg: 'request:fail abort' }))
      },
    }
  }
}
