/**
 * Issue 9, defect 14: ChatSocket against a hostile or broken server. Every malformed reply
 * shape rejects with a meaningful SocketError: never `serverCode: "undefined"`, never a crash.
 */
import { ChatSocket, type SocketError } from '../../src'
import { fakeConnectSocket } from '../helpers/fake-socket-task'

async function openSocket() {
  const connectSocket = fakeConnectSocket()
  const socket = new ChatSocket({ url: 'ws://chat.test/ws', connectSocket, lifecycle: false, reconnect: { jitter: 0, minUptime: 0 } })
  await Promise.resolve()
  connectSocket.last.open()
  return { socket, task: connectSocket.last }
}

beforeEach(() => jest.useFakeTimers())
afterEach(() => {
  jest.clearAllTimers()
  jest.useRealTimers()
})

async function rejection(error: unknown): Promise<SocketError> {
  const { socket, task } = await openSocket()
  const answer = socket.request({ type: 'session', id: 'r1' })
  task.receive({ type: 'reply', id: 'r1', error })
  const err = (await answer.then(
    () => {
      throw new Error('resolved')
    },
    (e: unknown) => e,
  )) as SocketError
  socket.close()
  return err
}

describe('malformed reply errors (defect 14)', () => {
  it('takes a string error as the server code and message', async () => {
    expect(await rejection('FORBIDDEN')).toMatchObject({ code: 'SERVER', serverCode: 'FORBIDDEN', message: 'FORBIDDEN', id: 'r1' })
  })

  it('takes an error with a code and no message, using the code as the message', async () => {
    expect(await rejection({ code: 'NOPE' })).toMatchObject({ code: 'SERVER', serverCode: 'NOPE', message: 'NOPE' })
  })

  it('takes a message that is not a string as absent', async () => {
    expect(await rejection({ code: 'NOPE', message: { nested: true } })).toMatchObject({
      code: 'SERVER',
      serverCode: 'NOPE',
      message: 'NOPE',
    })
  })

  it.each([
    ['a number', 42],
    ['an array', ['FORBIDDEN']],
    ['true', true],
    ['an object without a code', { message: 'no code' }],
    ['an object with a numeric code', { code: 403, message: 'forbidden' }],
    ['an empty string', ''],
  ])('rejects %s as DECODE, saying what came', async (_what, error) => {
    const err = await rejection(error)
    expect(err.code).toBe('DECODE')
    expect(err.serverCode).toBeUndefined()
    expect(err.id).toBe('r1')
    expect(err.message).toMatch(/^malformed reply error for r1: /)
    expect(err.message).not.toContain('undefined')
  })

  it('bounds what it repeats of a huge error', async () => {
    const err = await rejection('X'.repeat(100_000))
    expect(err.serverCode!.length).toBeLessThanOrEqual(200)
    expect(err.message.length).toBeLessThanOrEqual(200)
  })
})
