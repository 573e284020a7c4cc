import { WebSocketTransport, type LinkEvents } from '../../../src/transports'
import { fakeConnectSocket } from '../../helpers/fake-socket-task'

function recorder(): LinkEvents & { log: string[] } {
  const log: string[] = []
  return {
    log,
    open: () => log.push('open'),
    message: (data) => log.push(`message ${typeof data === 'string' ? data : 'binary'}`),
    close: (code, reason) => log.push(`close ${code} ${reason}`),
    error: (message) => log.push(`error ${message}`),
    failed: (reason) => log.push(`failed ${reason}`),
    sendFailed: () => log.push('sendFailed'),
  }
}

describe('WebSocketTransport', () => {
  it('opens a SocketTask with the url, header and pass-through options, and reports its events', () => {
    const connectSocket = fakeConnectSocket()
    const events = recorder()
    const link = new WebSocketTransport(connectSocket, { timeout: 5000, protocols: ['chat'] }).connect(
      { url: 'ws://chat.test/ws', header: { Authorization: 'Bearer t' } },
      events,
    )
    expect(link).not.toBeNull()
    expect(connectSocket.last.options).toMatchObject({
      url: 'ws://chat.test/ws',
      header: { Authorization: 'Bearer t' },
      timeout: 5000,
      protocols: ['chat'],
    })
    const task = connectSocket.last
    task.open()
    task.receive('{"type":"pong"}')
    task.error('boom')
    task.serverClose(1001, 'bye')
    expect(events.log).toEqual(['open', 'message {"type":"pong"}', 'error boom', 'close 1001 bye'])
  })

  it('writes frames, calls sent after the platform sent them, and reports failed sends', () => {
    const connectSocket = fakeConnectSocket()
    const events = recorder()
    const link = new WebSocketTransport(connectSocket, {}).connect({ url: 'ws://chat.test/ws' }, events)!
    const sent = jest.fn()
    link.send('{"type":"a"}', sent)
    expect(connectSocket.last.raw).toEqual(['{"type":"a"}'])
    expect(sent).toHaveBeenCalledTimes(1)
    connectSocket.last.failSends = true
    link.send('{"type":"b"}')
    expect(events.log).toEqual(['sendFailed'])
  })

  it('reports a connectSocket that throws as a failed attempt and returns no link', () => {
    const events = recorder()
    const link = new WebSocketTransport(() => {
      throw new Error('no sockets left')
    }, {}).connect({ url: 'ws://chat.test/ws' }, events)
    expect(link).toBeNull()
    expect(events.log).toEqual(['failed connectSocket threw: no sockets left'])
  })

  it('closes quietly: a task whose close throws is gone all the same', () => {
    const connectSocket = fakeConnectSocket()
    const link = new WebSocketTransport(connectSocket, {}).connect({ url: 'ws://chat.test/ws' }, recorder())!
    link.close(4000, 'heartbeat timeout')
    expect(connectSocket.last.closedWith).toEqual({ code: 4000, reason: 'heartbeat timeout' })
    connectSocket.last.close = () => {
      throw new Error('already closed')
    }
    expect(() => link.close(1000, '')).not.toThrow()
  })
})
