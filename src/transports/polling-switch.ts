import { TimerSlot, type Clock } from '../clock'
import { addQuery, type Detached, type PollingLink } from './polling'
import type { Link, LinkEvents, LinkTarget, Transport } from './transport'

/**
 * A WebSocket connect failure that the network caused, not the server: the upgrade answered
 * with an HTTP status that is neither the server's 401 (a token) nor a 5xx (a server down or
 * restarting), e.g. a proxy's 403. Platforms that name the status (`ws`: "Unexpected server
 * response: 403") let ChatSocket fall back at once instead of after `fallbackAfter` attempts.
 */
export function refusedUpgrade(reason: string): boolean {
  const m = /server response:?\s*(\d{3})|\bstatus(?: code)?:?\s*(\d{3})/i.exec(reason)
  if (m === null) return false
  const status = Number(m[1] ?? m[2])
  return status >= 300 && status < 500 && status !== 401
}

/** What ChatSocket does for a probe. */
export interface ProbeHost {
  /** This attempt's url and header, as a dial resolves them (null when they failed). */
  target(done: (target: LinkTarget | null) => void): void
  /** `poll` is still the socket's open link. */
  isCurrent(poll: PollingLink): boolean
  /** The probe opened and `poll` handed over: `ws` is the socket's link now. Returns the events `ws` reports to from now on. */
  upgrade(ws: Link, detached: Detached): LinkEvents
}

/**
 * While on polling, probes WebSocket every `interval` ms: a WebSocket to the socket URL with
 * the polling session's `sid`. When one opens, the polling link stops (it waits for the POST
 * in flight) and hands over; ChatSocket then sends the `upgrade` frame with the last seq it
 * received by polling, and the frames not posted yet, on the WebSocket. The server sends
 * every frame after that seq on it, so nothing is lost and nothing arrives twice.
 * A probe that fails is closed quietly; the next one comes `interval` ms later.
 */
export class UpgradeProbe {
  private readonly timer: TimerSlot
  private readonly deadline: TimerSlot
  private probeLink: Link | null = null
  /** Bumped by every start and stop: callbacks of an older probe are ignored. */
  private probeRound = 0

  constructor(
    private readonly ws: Transport,
    clock: Clock,
    private readonly interval: number,
    private readonly timeout: number,
    private readonly host: ProbeHost,
  ) {
    this.timer = new TimerSlot(clock)
    this.deadline = new TimerSlot(clock)
  }

  /** Probes `interval` ms from now. */
  start(poll: PollingLink): void {
    this.stop()
    const round = this.probeRound
    this.timer.set(() => this.probe(poll, round), this.interval)
  }

  /** No more probes; a probe in flight is closed. */
  stop(): void {
    this.probeRound++
    this.timer.clear()
    this.deadline.clear()
    const link = this.probeLink
    this.probeLink = null
    link?.close(1000, '')
  }

  private probe(poll: PollingLink, round: number): void {
    this.host.target((target) => {
      const sid = poll.session
      if (round !== this.probeRound || !this.host.isCurrent(poll)) return
      if (target === null || sid === null) return this.start(poll)
      let live: LinkEvents | null = null
      const giveUp = (): void => {
        if (live === null && round === this.probeRound) this.start(poll)
      }
      const events: LinkEvents = {
        open: () => {
          if (live !== null || round !== this.probeRound) return
          this.deadline.clear()
          const ws = this.probeLink
          if (ws === null) return
          poll.detach((detached) => {
            if (round !== this.probeRound || !this.host.isCurrent(poll)) return
            this.probeLink = null // handed over: no longer the probe's to close
            live = this.host.upgrade(ws, detached)
          })
        },
        message: (data) => live?.message(data),
        close: (code, reason) => (live ? live.close(code, reason) : giveUp()),
        error: (message, cause) => (live ? live.error(message, cause) : giveUp()),
        failed: (reason, cause) => (live ? live.failed(reason, cause) : giveUp()),
        sendFailed: (cause) => live?.sendFailed(cause),
      }
      const link = this.ws.connect({ url: addQuery(target.url, 'sid', sid), ...(target.header && { header: target.header }) }, events)
      if (link === null || round !== this.probeRound) return link?.close(1000, '')
      this.probeLink = link
      this.deadline.set(giveUp, this.timeout)
    })
  }
}
