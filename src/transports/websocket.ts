import type { ConnectSocket, ConnectSocketOptions, SocketTaskLike } from '../types'
import type { Link, LinkEvents, LinkTarget, Transport } from './transport'

/** The connectSocket fields the `protocols`, `tcpNoDelay`, `perMessageDeflate` and `timeout` options pass through. */
export type WebSocketPassThrough = Pick<ConnectSocketOptions, 'protocols' | 'tcpNoDelay' | 'perMessageDeflate' | 'timeout'>

/** WebSocket through `wx.connectSocket` (or an adapter of its shape): one SocketTask per link. */
export class WebSocketTransport implements Transport {
  readonly name = 'websocket'

  constructor(
    private readonly connectSocket: ConnectSocket,
    private readonly passThrough: WebSocketPassThrough,
  ) {}

  connect(target: LinkTarget, events: LinkEvents): Link | null {
    let task: SocketTaskLike
    try {
      task = this.connectSocket({
        url: target.url,
        ...(target.header !== undefined && { header: target.header }),
        ...this.passThrough,
        fail: (res) => events.failed(res?.errMsg ?? 'connectSocket failed', res),
      })
    } catch (error) {
      events.failed('connectSocket threw', error)
      return null
    }
    // One failure handler per link, not one per message.
    const fail = (res: { errMsg: string }): void => events.sendFailed(res)
    task.onOpen(() => events.open())
    task.onMessage((res) => events.message(res.data))
    task.onClose((res) => events.close(res.code, res.reason))
    task.onError((res) => events.error(res.errMsg, res))
    return {
      send: (data, sent) => task.send({ data, success: sent, fail }),
      close: (code, reason) => closeQuietly(task, code, reason),
    }
  }
}

function closeQuietly(task: SocketTaskLike, code: number, reason: string): void {
  try {
    task.close({ code, reason, fail: () => undefined })
  } catch {
    // Closing an already closed task may throw on some platforms; it is gone either way.
  }
}
