import { createAlipayConnectSocket, type AlipayApi } from './adapters/alipay'
import type { ConnectSocket, LifecycleHost, OutboxStorage } from './types'

/**
 * The platform globals ChatSocket looks for, in this order, when `connectSocket`, `lifecycle`
 * or `persist.storage` is not given: WeChat, QQ, Douyin (tt), Baidu (swan), Kuaishou (ks),
 * JD (jd), Alipay (my). The first one that has a `connectSocket` function is used.
 */
export const PLATFORM_GLOBALS = ['wx', 'qq', 'tt', 'swan', 'ks', 'jd', 'my'] as const

export type PlatformName = (typeof PLATFORM_GLOBALS)[number]

export interface Platform {
  name: PlatformName
  connectSocket: ConnectSocket
  /** The app show/hide and network hooks (the same names on every platform), or null when it has none. */
  lifecycle: LifecycleHost | null
  /** Its synchronous storage, or null. */
  storage: OutboxStorage | null
}

type Api = LifecycleHost & {
  connectSocket?: unknown
  getStorageSync?(key: unknown): unknown
  setStorageSync?(key: unknown, value?: unknown): void
  removeStorageSync?(key: unknown): void
}

/** `api[key]` is a function (looked up by name: the platform's methods are not called here). */
const has = (api: object, key: string): boolean => typeof (api as Record<string, unknown>)[key] === 'function'

/** The first platform global of PLATFORM_GLOBALS with a connectSocket, or null (browsers, Node). */
export function detectPlatform(scope: object = globalThis): Platform | null {
  for (const name of PLATFORM_GLOBALS) {
    const api = (scope as Record<string, unknown>)[name] as Api | null | undefined
    if (typeof api !== 'object' || api === null || !has(api, 'connectSocket')) continue
    const alipay = name === 'my'
    return {
      name,
      connectSocket: alipay ? createAlipayConnectSocket(api as AlipayApi) : (api.connectSocket as ConnectSocket).bind(api),
      lifecycle: has(api, 'onAppShow') || has(api, 'onAppHide') || has(api, 'onNetworkStatusChange') ? api : null,
      storage: storageOf(api, alipay),
    }
  }
  return null
}

function storageOf(api: Api, alipay: boolean): OutboxStorage | null {
  if (!has(api, 'getStorageSync') || !has(api, 'setStorageSync') || !has(api, 'removeStorageSync')) return null
  // Alipay takes objects: my.getStorageSync({ key }) → { data }, my.setStorageSync({ key, data }).
  if (alipay) {
    return {
      get: (key) => (api.getStorageSync?.({ key }) as { data?: unknown } | undefined)?.data ?? '',
      set: (key, data) => api.setStorageSync?.({ key, data }),
      remove: (key) => api.removeStorageSync?.({ key }),
    }
  }
  return {
    get: (key) => api.getStorageSync?.(key),
    set: (key, value) => api.setStorageSync?.(key, value),
    remove: (key) => api.removeStorageSync?.(key),
  }
}
