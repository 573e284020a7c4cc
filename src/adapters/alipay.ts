import type { ConnectSocket, ConnectSocketOptions, SocketTaskLike } from '../types'

/**
 * Alipay's `my` (https://opendocs.alipay.com/mini/api/vx19c3, my.connectSocket): a SocketTask
 * only with `multiple: true` (base library 1.0/2.3.1 on; from 2.9.1 the default comes from
 * app.json `behavior.connectSocketDefaultMultiple`, so it is always passed here). Failures
 * come as `{ error, errorMessage }` rather than WeChat's `{ errMsg }`.
 */
export interface AlipayApi {
  connectSocket(options: Record<string, unknown>): unknown
}

type AlipayFail = { error?: number | string; errorMessage?: string; errMsg?: string } | undefined

/** `{ errMsg }` from Alipay's `{ error, errorMessage }` (or WeChat's shape, passed through). */
export function alipayErrMsg(api: string, res: AlipayFail): string {
  if (typeof res?.errMsg === 'string') return res.errMsg
  const code = res?.error === undefined ? '' : ` ${String(res.error)}`
  return `${api}:fail${code}${res?.errorMessage ? ` ${res.errorMessage}` : ''}`
}

/**
 * `connectSocket` for Alipay mini-programs: `new ChatSocket({ url, connectSocket: createAlipayConnectSocket(my) })`
 * (the default when `my` is the only platform global). Always `multiple: true`, so each connect
 * gets its own SocketTask and ChatSocket can replace a dead link while the old one closes.
 *
 * Not supported: base libraries without SocketTask, which have only the global API
 * (`my.onSocketOpen`, `my.onSocketMessage`, `my.sendSocketMessage`, `my.closeSocket`): one socket
 * per app (a second connect fails with error 3 until `my.closeSocket`), listeners shared by the
 * whole app, no close code or reason, binary frames as base64 with `isBuffer`. There the
 * connect fails with CONNECT_FAILED saying so, instead of misbehaving later.
 */
export function createAlipayConnectSocket(my: AlipayApi): ConnectSocket {
  if (!my || typeof my.connectSocket !== 'function') {
    throw new TypeError('createAlipayConnectSocket(my): my must have a connectSocket function')
  }
  return (options: ConnectSocketOptions) => {
    const { fail, tcpNoDelay: _noDelay, perMessageDeflate: _deflate, ...rest } = options
    const task = my.connectSocket({
      ...rest,
      multiple: true,
      fail: (res: AlipayFail) => fail?.({ errMsg: alipayErrMsg('connectSocket', res) }),
    }) as SocketTaskLike | undefined
    if (!task || typeof task.onOpen !== 'function') {
      throw new TypeError(
        'my.connectSocket({ multiple: true }) returned no SocketTask: this base library has only the global socket API, which ChatSocket does not use',
      )
    }
    return alipayTask(task)
  }
}

/** The task with Alipay's failure shape turned into WeChat's. */
function alipayTask(task: SocketTaskLike): SocketTaskLike {
  return {
    send: (o) => task.send({ ...o, fail: o.fail && ((res: AlipayFail) => o.fail?.({ errMsg: alipayErrMsg('sendSocketMessage', res) })) }),
    close: (o) => task.close({ ...o, fail: o.fail && ((res: AlipayFail) => o.fail?.({ errMsg: alipayErrMsg('closeSocket', res) })) }),
    onOpen: (fn) => task.onOpen(fn),
    onClose: (fn) => task.onClose((res) => fn({ code: res?.code ?? 1006, reason: res?.reason ?? '' })),
    onError: (fn) => task.onError((res) => fn({ errMsg: alipayErrMsg('SocketTask', res) })),
    onMessage: (fn) => task.onMessage(fn),
  }
}
