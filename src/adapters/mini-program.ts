import type { ConnectSocket } from '../types'

/** Any mini-program platform object with WeChat's `connectSocket` shape: wx, qq, tt, swan, uni, Taro. */
export interface MiniProgramApi {
  connectSocket: ConnectSocket
}

/**
 * `connectSocket` for a mini-program platform other than the default global `wx`:
 * `new ChatSocket({ url, connectSocket: createMiniProgramConnectSocket(qq) })`.
 */
export function createMiniProgramConnectSocket(api: MiniProgramApi): ConnectSocket {
  if (!api || typeof api.connectSocket !== 'function') {
    throw new TypeError('createMiniProgramConnectSocket(api): api must have a connectSocket function (wx, qq, tt, uni, Taro)')
  }
  return (options) => api.connectSocket(options)
}
