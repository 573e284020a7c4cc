/**
 * A TCP proxy on loopback in front of a server that refuses WebSocket upgrades, as some
 * corporate and carrier proxies do: a connection whose first request carries an `Upgrade:`
 * header is answered 403 and closed; everything else is piped through to the server as bytes.
 * `allowUpgrades = true` lets upgrades through from then on. Connections already piped stay.
 */
import net from 'node:net'

export interface UpgradeProxy {
  readonly port: number
  /** ws:// URL of `path` through the proxy. */
  wsUrl(path: string): string
  allowUpgrades: boolean
  /** Upgrades refused so far. */
  readonly refused: number
  /** Connections passed through so far. */
  readonly forwarded: number
  close(): Promise<void>
}

const HEADER_END = '\r\n\r\n'

export async function startUpgradeProxy(targetPort: number): Promise<UpgradeProxy> {
  const sockets = new Set<net.Socket>()
  let refused = 0
  let forwarded = 0
  const proxy: UpgradeProxy = {
    port: 0,
    wsUrl: (path) => `ws://127.0.0.1:${proxy.port}${path}`,
    allowUpgrades: false,
    get refused() {
      return refused
    },
    get forwarded() {
      return forwarded
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
  const server = net.createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => client.destroy())
    let head = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const text = head.toString('latin1')
      if (!text.includes(HEADER_END)) return
      client.off('data', onData)
      client.pause()
      const headers = text.slice(0, text.indexOf(HEADER_END))
      if (!proxy.allowUpgrades && /^upgrade:/im.test(headers)) {
        refused++
        const body = 'upgrades not allowed'
        client.end(
          `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        )
        return
      }
      forwarded++
      const upstream = net.connect(targetPort, '127.0.0.1')
      sockets.add(upstream)
      upstream.on('close', () => {
        sockets.delete(upstream)
        client.destroy()
      })
      upstream.on('error', () => upstream.destroy())
      client.on('close', () => upstream.destroy())
      upstream.write(head)
      client.pipe(upstream)
      upstream.pipe(client)
      client.resume()
    }
    client.on('data', onData)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  ;(proxy as { port: number }).port = (server.address() as net.AddressInfo).port
  return proxy
}
