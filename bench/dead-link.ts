/**
 * Dead-link detection time and time to reopen after the server returns, as percentiles over
 * repeated trials, on a real ws server over loopback through the wx.connectSocket shim.
 *
 * - detection: the server stops answering but keeps TCP (half-open); time until ChatSocket
 *   emits close. Baseline: the configured bound, heartbeat interval + timeout.
 * - reopen: the server is down for a while, then back; time from its return until `open`,
 *   with backoff alone, and with the network-back event WeChat gives when signal returns.
 *
 *   node scripts/run-ts.mjs bench/dead-link.ts [--trials 20]
 */
import { ChatSocket, type ChatSocketOptions } from '../src'
import { AckServer } from '../test/helpers/ack-server'
import { createWxSocketShim } from '../test/helpers/wx-socket'
import { arg, percentile, ratio, table } from './lib/report'

const TRIALS = arg('trials', 20)
const INTERVAL = 300
const TIMEOUT = 300
const RECONNECT = { minDelay: 100, maxDelay: 2000, factor: 2, jitter: 0.5, minUptime: 0 }

function netHost() {
  const listeners: Array<(r: { isConnected: boolean; networkType: string }) => void> = []
  return {
    host: {
      onNetworkStatusChange: (fn: (r: { isConnected: boolean; networkType: string }) => void) => void listeners.push(fn),
      offNetworkStatusChange: () => undefined,
    },
    change: (isConnected: boolean) => listeners.forEach((fn) => fn({ isConnected, networkType: isConnected ? 'wifi' : 'none' })),
  }
}

function socketFor(server: AckServer, extra: Partial<ChatSocketOptions> = {}): ChatSocket {
  return new ChatSocket({
    url: server.url,
    connectSocket: createWxSocketShim(),
    lifecycle: false,
    heartbeat: { interval: INTERVAL, timeout: TIMEOUT },
    reconnect: RECONNECT,
    ...extra,
  })
}

async function detection(): Promise<number> {
  const server = await AckServer.start()
  const socket = socketFor(server)
  await socket.connect()
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())))
  const frozenAt = performance.now()
  server.stopAnswering()
  const at = await closed
  socket.close()
  await server.stop()
  return at - frozenAt
}

async function reopen(withNetworkEvent: boolean, downMs: number): Promise<number> {
  const server = await AckServer.start()
  const net = netHost()
  const socket = socketFor(server, withNetworkEvent ? { lifecycle: net.host } : {})
  await socket.connect()
  await server.stop()
  if (withNetworkEvent) net.change(false)
  await new Promise((r) => setTimeout(r, downMs))
  await server.listen()
  const back = performance.now()
  const opened = new Promise<number>((resolve) => socket.once('open', () => resolve(performance.now())))
  if (withNetworkEvent) net.change(true)
  const at = await opened
  socket.close()
  await server.stop()
  return at - back
}

async function main(): Promise<void> {
  const detect: number[] = []
  const backoffOnly: number[] = []
  const withEvent: number[] = []
  for (let i = 0; i < TRIALS; i++) {
    detect.push(await detection())
    const down = 200 + ((i * 397) % 1300) // spread outages over 0.2–1.5 s, same for both variants
    backoffOnly.push(await reopen(false, down))
    withEvent.push(await reopen(true, down))
  }
  const row = (name: string, values: number[], baseline: number, baselineName: string) => [
    name,
    ...[50, 90, 99].map((p) => percentile(values, p).toFixed(0)),
    `${ratio(percentile(values, 50), baseline)} ${baselineName}`,
  ]
  console.log(
    `\nDead link and reopen, ${TRIALS} trials each, ms (heartbeat ${INTERVAL}+${TIMEOUT} ms; reconnect min ${RECONNECT.minDelay}, max ${RECONNECT.maxDelay}, jitter ${RECONNECT.jitter})\n`,
  )
  table(
    ['measure', 'p50', 'p90', 'p99', 'p50 ratio'],
    [
      row('half-open link detected', detect, INTERVAL + TIMEOUT, 'of interval+timeout'),
      row('reopen, backoff alone', backoffOnly, percentile(backoffOnly, 50), 'of backoff alone'),
      row('reopen, network-back event', withEvent, percentile(backoffOnly, 50), 'of backoff alone'),
    ],
  )
}

void main()
