import type { LifecycleHost } from './types'

export interface LifecycleHandlers {
  hide(): void
  show(): void
  network(online: boolean): void
}

/**
 * Listens to app hide/show and network changes on `host` (the global `wx` by default) and
 * returns the function that removes every listener it added.
 */
export function bindLifecycle(host: LifecycleHost, handlers: LifecycleHandlers): () => void {
  let bound = true
  const hide = (): void => {
    if (bound) handlers.hide()
  }
  const show = (): void => {
    if (bound) handlers.show()
  }
  const network = (res: { isConnected: boolean; networkType: string }): void => {
    if (bound) handlers.network(res.isConnected && res.networkType !== 'none')
  }
  host.onAppHide?.(hide)
  host.onAppShow?.(show)
  host.onNetworkStatusChange?.(network)
  host.getNetworkType?.({
    success: (res) => {
      // 'none' everywhere but Alipay, which says NOTREACHABLE and networkAvailable: false.
      if (bound && (res.networkType === 'none' || res.networkType === 'NOTREACHABLE' || res.networkAvailable === false)) {
        handlers.network(false)
      }
    },
  })
  return () => {
    if (!bound) return
    bound = false
    host.offAppHide?.(hide)
    host.offAppShow?.(show)
    host.offNetworkStatusChange?.(network)
  }
}
