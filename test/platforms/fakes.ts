/**
 * Platform API fakes that follow each platform's documented `connectSocket` behaviour; their
 * tasks are the testing kit's FakeSocketTask, so a test opens, feeds and closes them.
 * Each fake cites the page it follows.
 */
import type { ConnectSocketOptions } from '../../src/types'
import { FakeSocketTask } from '../../src/testing'

type NetworkListener = (res: { isConnected: boolean; networkType: string }) => void

/** The app/network hooks WeChat documents (wx.onAppShow, wx.onAppHide, wx.onNetworkStatusChange, their off*, wx.getNetworkType). */
export function lifecycleHooks(networkType = 'wifi') {
  const shows = new Set<() => void>()
  const hides = new Set<() => void>()
  const networks = new Set<NetworkListener>()
  return {
    onAppShow: (fn: () => void) => void shows.add(fn),
    offAppShow: (fn: () => void) => void shows.delete(fn),
    onAppHide: (fn: () => void) => void hides.add(fn),
    offAppHide: (fn: () => void) => void hides.delete(fn),
    onNetworkStatusChange: (fn: NetworkListener) => void networks.add(fn),
    offNetworkStatusChange: (fn: NetworkListener) => void networks.delete(fn),
    getNetworkType: (o: { success?: (res: { networkType: string }) => void }) => o.success?.({ networkType }),
    listeners: () => shows.size + hides.size + networks.size,
    show: () => [...shows].forEach((fn) => fn()),
    hide: () => [...hides].forEach((fn) => fn()),
    network: (res: { isConnected: boolean; networkType: string }) => [...networks].forEach((fn) => fn(res)),
  }
}

/**
 * WeChat's shape, which qq, tt, swan, ks and jd share: connectSocket returns the SocketTask.
 * - wx: https://developers.weixin.qq.com/miniprogram/dev/api/network/websocket/wx.connectSocket.html
 * - qq: https://q.qq.com/wiki/develop/miniprogram/API/network/network_websocket.html
 * - tt: https://developer.open-douyin.com/docs/resource/zh-CN/mini-app/develop/api/network/websocket/tt-connect-socket
 * - swan: https://smartprogram.baidu.com/docs/develop/api/net/swan-connectSocket/
 * - ks, jd: documented as WeChat-compatible (mp.kuaishou.com/docs, mp-docs.jd.com); not checked here beyond that shape.
 */
export function wxShapedApi() {
  const tasks: FakeSocketTask[] = []
  const storage = new Map<string, unknown>()
  return {
    tasks,
    storage,
    // Uses `this`, as the platforms' methods may: a detached call (no bind) would fail.
    connectSocket(this: { tasks: FakeSocketTask[] }, o: ConnectSocketOptions) {
      const task = new FakeSocketTask(o)
      this.tasks.push(task)
      return task
    },
    getStorageSync: (key: string) => storage.get(key) ?? '',
    setStorageSync: (key: string, value: unknown) => void storage.set(key, value),
    removeStorageSync: (key: string) => void storage.delete(key),
    ...lifecycleHooks(),
  }
}

/**
 * Taro: `Taro.connectSocket(option): Promise<SocketTask>` (https://docs.taro.zone/docs/apis/network/websocket/connectSocket;
 * taro-h5 resolves the task once created and rejects with `{ errMsg }`, calling `fail` as well).
 */
export function taroApi(options: { reject?: string; resolveWith?: unknown } = {}) {
  const tasks: FakeSocketTask[] = []
  return {
    tasks,
    connectSocket(o: ConnectSocketOptions): Promise<FakeSocketTask> {
      if (options.reject !== undefined) {
        const res = { errMsg: options.reject }
        o.fail?.(res)
        // Taro rejects with the platform's { errMsg } object, not an Error.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(res)
      }
      if ('resolveWith' in options) return Promise.resolve(options.resolveWith as FakeSocketTask)
      const task = new FakeSocketTask(o)
      tasks.push(task)
      return Promise.resolve(task)
    },
  }
}

/**
 * uni-app: "如果希望返回一个 socketTask 对象，需要至少传入 success / fail / complete 参数中的一个 …
 * 如果没有传入 success / fail / complete 参数，则会返回封装后的 Promise 对象"
 * (https://uniapp.dcloud.net.cn/api/request/websocket.html).
 */
export function uniApi() {
  const tasks: FakeSocketTask[] = []
  return {
    tasks,
    connectSocket(o: ConnectSocketOptions & { complete?: unknown }): FakeSocketTask | Promise<unknown> {
      if (!o.success && !o.fail && !o.complete) return Promise.resolve({ errMsg: 'connectSocket:ok' })
      const task = new FakeSocketTask(o)
      tasks.push(task)
      return task
    },
  }
}

/**
 * Alipay (https://opendocs.alipay.com/mini/api/vx19c3, my.connectSocket): a SocketTask only with
 * `multiple: true` ("传入 true 时，api 返回 sockettask 实例"); `fail` gets `{ error, errorMessage }`
 * (error 3: a single-instance socket already exists). Storage takes objects
 * (my.getStorageSync({ key }) → { data }); getNetworkType answers `{ networkAvailable, networkType }`
 * with upper-case types ('WIFI', 'NOTREACHABLE').
 */
export function alipayApi(
  options: { oldBaseLibrary?: boolean; failWith?: { error: number; errorMessage: string }; networkType?: string } = {},
) {
  const tasks: FakeSocketTask[] = []
  const calls: Array<Record<string, unknown>> = []
  const storage = new Map<string, unknown>()
  const hooks = lifecycleHooks()
  const networkType = options.networkType ?? 'WIFI'
  return {
    tasks,
    calls,
    storage,
    ...hooks,
    getNetworkType: (o: { success?: (res: { networkType: string; networkAvailable: boolean }) => void }) =>
      o.success?.({ networkType, networkAvailable: networkType !== 'NOTREACHABLE' }),
    connectSocket(o: Record<string, unknown>) {
      calls.push(o)
      if (options.failWith) {
        ;(o.fail as (r: unknown) => void)(options.failWith)
        return undefined
      }
      if (options.oldBaseLibrary || o.multiple !== true) return undefined
      const task = new FakeSocketTask(o as unknown as ConnectSocketOptions)
      tasks.push(task)
      return task
    },
    getStorageSync: ({ key }: { key: string }) => ({ data: storage.get(key) }),
    setStorageSync: ({ key, data }: { key: string; data: unknown }) => void storage.set(key, data),
    removeStorageSync: ({ key }: { key: string }) => void storage.delete(key),
  }
}
