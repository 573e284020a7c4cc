/**
 * ChatSocket's lifecycle hooks from the browser: the tab becoming visible and the network
 * coming back make it retry at once instead of waiting out the backoff. There is no
 * "hide": an agent's hidden tab stays connected (it counts new messages in the title).
 */
import type { LifecycleHost } from 'miniprogram-chat-socket'

type NetworkListener = (res: { isConnected: boolean; networkType: string }) => void

export function browserLifecycle(win: Window, doc: Document): LifecycleHost {
  const shown = new Map<() => void, () => void>()
  const network = new Map<NetworkListener, () => void>()
  const status = (): { isConnected: boolean; networkType: string } => {
    const online = win.navigator.onLine !== false
    return { isConnected: online, networkType: online ? 'unknown' : 'none' }
  }
  return {
    onAppShow(fn) {
      const handler = (): void => {
        if (doc.visibilityState === 'visible') fn()
      }
      shown.set(fn, handler)
      doc.addEventListener('visibilitychange', handler)
    },
    offAppShow(fn) {
      const handler = shown.get(fn)
      if (handler === undefined) return
      shown.delete(fn)
      doc.removeEventListener('visibilitychange', handler)
    },
    onNetworkStatusChange(fn) {
      const handler = (): void => fn(status())
      network.set(fn, handler)
      win.addEventListener('online', handler)
      win.addEventListener('offline', handler)
    },
    offNetworkStatusChange(fn) {
      const handler = network.get(fn)
      if (handler === undefined) return
      network.delete(fn)
      win.removeEventListener('online', handler)
      win.removeEventListener('offline', handler)
    },
    getNetworkType({ success }) {
      success?.({ networkType: status().networkType })
    },
  }
}
