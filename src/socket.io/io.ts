import { Manager } from './manager'
import { checkAuth, resolveIoOptions, type IoOptions } from './options'
import { Socket } from './socket'
import { parseTarget } from './url'

/** Links shared between namespaces, by origin and path (socket.io-client's cache). */
const managers = new Map<string, Manager>()

/**
 * A namespace socket, as socket.io-client's `io()`: `io('https://host/info', { auth })`.
 * Namespaces of one host share one link (multiplexed) unless `forceNew` or `multiplex: false`,
 * or that namespace already has a socket on it; the first `io()` of a link decides its
 * options (path, query, headers, connectSocket, reconnect, lifecycle, clock).
 */
export function io(url: string, options: IoOptions = {}): Socket {
  const target = parseTarget(url)
  const o = resolveIoOptions(options)
  const key = `${target.origin}${o.path}`
  let manager = o.forceNew || !o.multiplex ? undefined : managers.get(key)
  if (manager === undefined || manager.claimed.has(target.nsp)) {
    const query = [target.query, o.query].filter((q) => q.length > 0).join('&')
    manager = new Manager(target.origin, { ...o, query })
    if (!o.forceNew && o.multiplex) managers.set(key, manager)
  }
  manager.claimed.add(target.nsp)
  return new Socket(manager, target.nsp, { auth: checkAuth(options.auth), autoConnect: o.autoConnect })
}
