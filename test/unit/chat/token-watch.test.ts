import { watchToken } from '../../../src/chat'
import { CloseCodes } from '../../../src/protocol'
import { FakeChatSocket, flushPromises } from '../../helpers/fake-chat-socket'

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
    q.asked[0]!(true)
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
    q.asked[0]!(false)
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
    q.asked[0]!(true)
    await flushPromises()
    expect(refused).not.toHaveBeenCalled()
    expect(socket.listenerCount()).toBe(0)
  })

  it('takes a TOKEN_REFUSED close as a refused token at once, without asking', () => {
    const socket = new FakeChatSocket('open')
    const q = question()
    const refused = jest.fn()
    watchToken({ socket, refused: q.refused, onRefused: refused })
    socket.drop(1001)
    expect(refused).not.toHaveBeenCalled()
    socket.drop(CloseCodes.TOKEN_REFUSED, 'token revoked')
    expect(refused).toHaveBeenCalledTimes(1)
    expect(q.asked).toHaveLength(0)
    expect(socket.listenerCount()).toBe(0)
  })

  it('with once: false keeps watching after a refusal and counts failures from zero again', async () => {
    const socket = new FakeChatSocket('connecting')
    const q = question()
    const refused = jest.fn()
    const stop = watchToken({ socket, refused: q.refused, onRefused: refused, once: false })
    socket.error()
    socket.error()
    q.asked[0]!(true)
    await flushPromises()
    expect(refused).toHaveBeenCalledTimes(1)
    socket.error() // the first failure with the new token: not yet a question
    expect(q.asked).toHaveLength(1)
    socket.error()
    expect(q.asked).toHaveLength(2)
    socket.drop(CloseCodes.TOKEN_REFUSED)
    expect(refused).toHaveBeenCalledTimes(2)
    stop()
    expect(socket.listenerCount()).toBe(0)
  })
})
