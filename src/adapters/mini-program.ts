import type { ConnectSocket } from '../types'

/** Any mini-program platform object with WeChat's `connectSocket` shape: wx, qq, tt, swan, ks, jd, uni, Taro. */
export interface MiniProgramApi {
  connectSocket: ConnectSocket
}

/**
 * `connectSocket` for a mini-program platform object with WeChat's shape, for frameworks and
 * platforms ChatSocket does not find on its own (src/platform.ts detects the wx, qq, tt, swan,
 * ks, jd and my globals): `new ChatSocket({ url, connectSocket: createMiniProgramConnectSocket(Taro) })`.
 * - Taro: `Taro.connectSocket` returns a Promise of the task; ChatSocket waits for it.
 * - uni-app: `uni.connectSocket` returns a task only when a success/fail/complete callback is
 *   passed (a Promise otherwise); ChatSocket always passes `fail`.
 * - Alipay: use `createAlipayConnectSocket(my)` (`multiple: true`, its error shape).
 */
export function createMiniProgramConnectSocket(api: MiniProgramApi): ConnectSocket {
  if (!api || typeof api.connectSocket !== 'function') {
    throw new TypeError('createMiniProgramConnectSocket(api): api must have a connectSocket function (wx, qq, tt, swan, ks, jd, uni, Taro)')
  }
  return (options) => api.connectSocket(options)
}
