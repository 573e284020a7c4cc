/** Where `io(url)` goes: the Engine.IO endpoint and the namespace. No `URL` global needed (not every base library has one). */
export interface ParsedTarget {
  /** `ws:` or `wss:` origin, e.g. `wss://chat.example.com`. */
  origin: string
  /** The namespace: the URL's path, `/` when it has none. */
  nsp: string
  /** The URL's own query string, without `?`. */
  query: string
}

const URL_RE = /^(https?|wss?):\/\/([^/?#\s]+)([^?#\s]*)(?:\?([^#\s]*))?(?:#.*)?$/i

/** Parses `https://host/info?x=1` (http, https, ws, wss); throws a TypeError naming the problem. */
export function parseTarget(url: unknown): ParsedTarget {
  if (typeof url !== 'string') throw new TypeError(`io(url): url must be a string like "https://host/namespace", got ${typeof url}`)
  const m = URL_RE.exec(url)
  if (m === null) throw new TypeError(`io(url): "${url}" is not an http(s):// or ws(s):// URL`)
  const scheme = (m[1] ?? '').toLowerCase()
  const secure = scheme === 'https' || scheme === 'wss'
  const path = m[3] ?? ''
  return { origin: `${secure ? 'wss' : 'ws'}://${m[2] ?? ''}`, nsp: path === '' ? '/' : path, query: m[4] ?? '' }
}

/** `?a=1&b=x` from an object, values encoded. */
export function encodeQuery(query: Record<string, string | number | boolean>): string {
  return Object.keys(query)
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(String(query[k]))}`)
    .join('&')
}

/** The Engine.IO WebSocket URL: origin + path + `EIO=4&transport=websocket` + the URL's and the option's query. */
export function engineUrl(origin: string, path: string, ...queries: string[]): string {
  const parts = ['EIO=4', 'transport=websocket', ...queries.filter((q) => q.length > 0)]
  return `${origin}${path}?${parts.join('&')}`
}
