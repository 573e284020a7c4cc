import { tokenRefused } from '../../console/api'
import { watchToken } from '../../console/token-watch'
import { FakeChatSocket, flushPromises } from '../helpers/fake-chat-socket'

/** A `refused` the test answers: each call waits until the test resolves it. */
function question() {
  const asked: Array<(refused: boolean) => void> = []
  return {
    asked,
    refused: () => new Promise<boolean>((resolve) => asked.push(resolve)),
  }
}

describe('watchToken', () => {
  it('asks nothing while connects fail fewer than two times in a row', () => {
    const socket = new FakeChatSocket('connecting')
    const q = question()
    watchToken({ socket, refused: q.refused, onRefused: () => undefined })
    socket.error()
    socket.open()
    socket.error()
    expect(q.asked).toHaveLength(0)
  })

  it('asks after the second failed connect, and logs out when the token is refused', async () => {
    const socket = new FakeChatSocket('connecting')
    const q = question()
    const refused = jest.fn()
    watchToken({ socket, refused: q.refused, onRefused: refused })
    socket.error()
    socket.error()
    expect(q.asked).toHaveLength(1)
    q.asked[0](true)
    await flushPromises()
    expect(refused).toHaveBeenCalledTimes(1)
    // Stopped: further failures ask nothing and report nothing.
    socket.error()
    expect(q.asked).toHaveLength(1)
    expect(socket.listenerCount()).toBe(0)
  })

  it('keeps reconnecting when the server takes the token or cannot say, asking again on a later failure, one question at a time', async () => {
    const socket = new FakeChatSocket('connecting')
    const q = question()
    const refused = jest.fn()
    watchToken({ socket, refused: q.refused, onRefused: refused })
    socket.error()
    socket.error()
    socket.error() // the first question is still open
    expect(q.asked).toHaveLength(1)
    q.asked[0](false)
    await flushPromises()
    socket.error()
    expect(q.asked).toHaveLength(2)
    expect(refused).not.toHaveBeenCalled()
  })

  it('ignores errors other than failed connects', () => {
    const socket = new FakeChatSocket('open')
    const q = question()
    watchToken({ socket, refused: q.refused, onRefused: () => undefined })
    socket.error('DECODE')
    socket.error('SEND_FAILED')
    expect(q.asked).toHaveLength(0)
  })

  it('reports nothing once stopped, even for a question already asked', async () => {
    const socket = new FakeChatSocket('connecting')
    const q = question()
    const refused = jest.fn()
    const stop = watchToken({ socket, refused: q.refused, onRefused: refused })
    socket.error()
    socket.error()
    stop()
    q.asked[0](true)
    await flushPromises()
    expect(refused).not.toHaveBeenCalled()
    expect(socket.listenerCount()).toBe(0)
  })
})

describe('tokenRefused', () => {
  const respond = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

  it('is true only for a 401 from GET /api/me', async () => {
    expect(await tokenRefused(respond(401, { error: { code: 'UNAUTHORIZED', message: 'bad token' } }), 't')).toBe(true)
    expect(await tokenRefused(respond(200, { user: { id: 'a_1', role: 'agent', name: '小美' }, expiresAt: 1 }), 't')).toBe(false)
    expect(await tokenRefused(respond(503, { error: { code: 'INTERNAL', message: 'closing' } }), 't')).toBe(false)
    expect(await tokenRefused(async () => { throw new TypeError('Failed to fetch') }, 't')).toBe(false)
  })

  it('sends the token as a Bearer header to GET /api/me, uncached', async () => {
    const calls: Array<[string, RequestInit | undefined]> = []
    await tokenRefused(async (input, init) => {
      calls.push([input, init])
      return new Response('{}', { status: 500 })
    }, 'v1.abc')
    expect(calls).toEqual([['/api/me', expect.objectContaining({ method: 'GET', headers: { authorization: 'Bearer v1.abc' }, cache: 'no-store' })]])
  })
})
