import type { ConnectSocket, ConnectSocketOptions, SocketTaskLike } from '../types'
import type { Link, LinkEvents, LinkTarget, Transport } from './transport'

/** The connectSocket fields the `protocols`, `tcpNoDelay`, `perMessageDeflate` and `timeout` options pass through. */
export type WebSocketPassThrough = Pick<ConnectSocketOptions, 'protocols' | 'tcpNoDelay' | 'perMessageDeflate' | 'timeout'>

const isTask = (t: unknown): t is SocketTaskLike => typeof (t as SocketTaskLike | null)?.onOpen === 'function'
const isThenable = (v: unknown): v is PromiseLike<unknown> => typeof (v as PromiseLike<unknown> | null)?.then === 'function'
const NO_TASK = 'connectSocket returned no SocketTask'

/**
 * WebSocket through `wx.connectSocket` (or an adapter of its shape): one SocketTask per link.
 * A `fail` callback is always passed: uni.connectSocket returns a SocketTask only when one of
 * success/fail/complete is (a Promise otherwise). A Promise of a task (Taro) is waited for.
 */
export class WebSocketTransport implements Transport {
  readonly name = 'websocket'

  constructor(
    private readonly connectSocket: ConnectSocket,
    private readonly passThrough: WebSocketPassThrough,
  ) {}

  connect(target: LinkTarget, events: LinkEvents): Link | null {
    let result: unknown
    try {
      result = this.connectSocket({
        url: target.url,
        ...(target.header !== undefined && { header: target.header }),
        ...this.passThrough,
        fail: (res) => events.failed(res?.errMsg ?? 'connectSocket failed', res),
      })
    } catch (error) {
      events.failed(`connectSocket threw: ${(error as Error | null)?.message ?? String(error)}`, error)
      return null
    }
    if (isThenable(result)) return pending(result, events)
    if (!isTask(result)) {
      events.failed(NO_TASK, result)
      return null
    }
    return attach(result, events)
  }
}

/** A link on a task that is still to come: sends before it fail as a broken link would; a close waits for it. */
function pending(promise: PromiseLike<unknown>, events: LinkEvents): Link {
  let link: Link | null = null
  let closed: [number, string] | null = null
  promise.then(
    (task) => {
      if (!isTask(task)) return events.failed(NO_TASK, task)
      if (closed) return closeQuietly(task, ...closed)
      link = attach(task, events)
    },
    (error: unknown) => events.failed((error as { errMsg?: string } | null)?.errMsg ?? 'connectSocket rejected', error),
  )
  return {
    send: (data, sent) => (link ? link.send(data, sent) : events.sendFailed({ errMsg: 'sendSocketMessage:fail no SocketTask yet' })),
    close: (code, reason) => (link ? link.close(code, reason) : (closed = [code, reason])),
  }
}

function attach(task: SocketTaskLike, events: LinkEvents): Link {
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

function closeQuietly(task: SocketTaskLike, code: number, reason: string): void {
  try {
    task.close({ code, reason, fail: () => undefined })
  } catch {
    // Closing an already closed task may throw on some platforms; it is gone either way.
  }
}
