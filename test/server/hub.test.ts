import type { WebSocket } from 'ws'
import type { Connection } from '../../server/connection'
import { Hub } from '../../server/hub'
import type { User } from '../../server/types'

/** A connection that records what it was sent. */
function conn(user: User): Connection & { sent: string[] } {
  const sent: string[] = []
  const ws = { OPEN: 1, readyState: 1 } as unknown as WebSocket
  return { user, ws, sent, write: (data: string) => void sent.push(data) } as unknown as Connection & { sent: string[] }
}

const alice: User = { id: 'c1', role: 'customer', name: 'Alice' }
const agent: User = { id: 'a1', role: 'agent', name: 'Ann' }

describe('Hub', () => {
  it("tells a user's first and last connection apart through one, two and three sockets", () => {
    const hub = new Hub()
    const [one, two, three] = [conn(alice), conn(alice), conn(alice)]
    expect(hub.add(one)).toBe(true)
    expect(hub.add(two)).toBe(false)
    expect(hub.add(three)).toBe(false)
    expect(hub.size).toBe(3)
    expect(hub.remove(two)).toBe(false)
    expect(hub.remove(two)).toBe(false) // already gone
    expect(hub.remove(one)).toBe(false)
    hub.deliver([{ frame: { type: 'pong' }, users: ['c1'] }])
    expect(three.sent).toEqual(['{"type":"pong"}'])
    expect(hub.remove(three)).toBe(true)
    expect(hub.size).toBe(0)
    // The user starts again from nothing.
    expect(hub.add(one)).toBe(true)
  })

  it('delivers to each connection once, to every online agent, and never back to the sender when asked', async () => {
    const hub = new Hub()
    const [phone, laptop, desk] = [conn(alice), conn(alice), conn(agent)]
    for (const c of [phone, laptop, desk]) hub.add(c)
    await expect(hub.onlineAgentIds()).resolves.toEqual(['a1'])
    hub.deliver([{ frame: { type: 'pong' }, users: ['c1', 'c1'], agents: true, skipSender: true }], phone)
    expect([phone.sent.length, laptop.sent.length, desk.sent.length]).toEqual([0, 1, 1])
    hub.remove(desk)
    await expect(hub.onlineAgentIds()).resolves.toEqual([])
  })
})
