/** The testing kit's mock server: a real `ws` server on 127.0.0.1, a real ChatSocket over the WeChat-faithful socket. */
import WebSocket from 'ws'
import { ChatSocket, type Frame } from 'miniprogram-chat-socket'
import { createWxSocketOverWs, startMockServer, waitFor, type MockServer } from 'miniprogram-chat-socket/testing'

let server: MockServer
const sockets: ChatSocket[] = []
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close()
  await server?.close()
})

function socketTo(url: string, extra: object = {}): ChatSocket {
  const socket = new ChatSocket({
    url,
    connectSocket: createWxSocketOverWs(WebSocket),
    lifecycle: false,
    reconnect: { minDelay: 20, maxDelay: 100 },
    ...extra,
  })
  sockets.push(socket)
  return socket
}

/** A raw ws client: what it receives, in order. */
async function rawClient(url: string): Promise<{ ws: WebSocket; got: Frame[] }> {
  const ws = new WebSocket(url)
  const got: Frame[] = []
  ws.on('message', (data: Buffer) => got.push(JSON.parse(data.toString()) as Frame))
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  return { ws, got }
}

describe('startMockServer', () => {
  it('acks sends in order with seq, and records them in frames', async () => {
    server = await startMockServer({ port: 0, ack: true, dedup: true })
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/)
    const socket = socketTo(server.url)
    await socket.connect()
    const acks = await Promise.all(['a', 'b', 'c'].map((text) => socket.send({ type: 'message', text })))
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3])
    expect(server.frames.map((f) => f.text)).toEqual(['a', 'b', 'c'])
  })

  it('dedup: a resent id is acked again with its first seq and recorded once; without dedup twice', async () => {
    server = await startMockServer({ dedup: true })
    const client = await rawClient(server.url)
    for (const frame of [
      { type: 'm', id: 'x' },
      { type: 'm', id: 'y' },
      { type: 'm', id: 'x' },
    ])
      client.ws.send(JSON.stringify(frame))
    await waitFor(() => client.got.length === 3, { what: 'three acks' })
    expect(client.got).toEqual([
      { type: 'ack', id: 'x', seq: 1 },
      { type: 'ack', id: 'y', seq: 2 },
      { type: 'ack', id: 'x', seq: 1 },
    ])
    expect(server.frames.map((f) => f.id)).toEqual(['x', 'y'])
    expect(server.received.map((f) => f.id)).toEqual(['x', 'y', 'x'])
    client.ws.close()
    await server.close()

    server = await startMockServer({ dedup: false })
    const again = await rawClient(server.url)
    again.ws.send('{"type":"m","id":"x"}')
    again.ws.send('{"type":"m","id":"x"}')
    await waitFor(() => again.got.length === 2, { what: 'two acks' })
    expect(server.frames.map((f) => f.id)).toEqual(['x', 'x'])
    again.ws.close()
  })

  it('ack: false answers nothing but pings; garbage is ignored and the link stays', async () => {
    server = await startMockServer({ ack: false })
    const client = await rawClient(server.url)
    client.ws.send('{"type":"m","id":"x"}')
    client.ws.send('{oops')
    client.ws.send('[1]')
    client.ws.send('{"type":"ping"}')
    await waitFor(() => client.got.length === 1, { what: 'the pong' })
    expect(client.got).toEqual([{ type: 'pong' }])
    expect(server.frames.map((f) => f.id)).toEqual(['x'])
    client.ws.close()
  })

  it('answer: replies of your own for request(), null for silence', async () => {
    server = await startMockServer({
      answer: (frame) =>
        frame.type === 'lookup' ? { type: 'reply', id: frame.id, data: { found: frame.key } } : frame.type === 'drop' ? null : undefined,
    })
    const socket = socketTo(server.url)
    await socket.connect()
    await expect(socket.request<{ found: string }>({ type: 'lookup', key: 'k1' })).resolves.toEqual({ found: 'k1' })
    await expect(socket.request({ type: 'drop' }, { timeout: 100 })).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect(server.frames).toEqual([])
  })

  it('push() reaches every connected client', async () => {
    server = await startMockServer()
    const a = socketTo(server.url)
    const b = socketTo(server.url)
    const seen: string[] = []
    a.on('message', (m) => seen.push(`a:${String(m.text)}`))
    b.on('message', (m) => seen.push(`b:${String(m.text)}`))
    await Promise.all([a.connect(), b.connect()])
    expect(server.push({ type: 'notice', text: 'hi' })).toBe(2)
    await waitFor(() => seen.length === 2, { what: 'both pushes' })
    expect(seen.sort()).toEqual(['a:hi', 'b:hi'])
  })

  it('kill() drops links without a close frame: the client sees 1006 and reconnects', async () => {
    server = await startMockServer()
    const socket = socketTo(server.url)
    const closes: number[] = []
    socket.on('close', (e) => closes.push(e.code))
    await socket.connect()
    server.kill()
    await waitFor(() => closes.length === 1 && socket.state === 'open', { what: 'a new link' })
    expect(closes).toEqual([1006])
    expect(server.handshakes).toHaveLength(2)
  })

  it('stopAnswering(): the heartbeat finds the half-open link dead; after resume() a new link is acked', async () => {
    server = await startMockServer()
    const socket = socketTo(server.url, { heartbeat: { interval: 100, timeout: 100 } })
    const closes: string[] = []
    socket.on('close', (e) => closes.push(e.reason))
    await socket.connect()
    server.stopAnswering()
    await waitFor(() => closes.length >= 1, { what: 'the dead link noticed' })
    expect(closes[0]).toBe('heartbeat timeout')
    server.resume()
    await waitFor(() => socket.state === 'open', { what: 'a fresh link' })
    await expect(socket.send({ type: 'message', text: 'after' })).resolves.toMatchObject({ type: 'ack' })
  })

  it('close() stops it: a client cannot connect any more', async () => {
    server = await startMockServer()
    const url = server.url
    await server.close()
    const socket = socketTo(url, { reconnect: false })
    await expect(socket.connect()).rejects.toMatchObject({ code: 'CLOSED' })
  })

  it('rejects bad options by name', async () => {
    await expect(startMockServer({ ack: 'yes' as unknown as boolean })).rejects.toThrow('startMockServer: ack must be a boolean')
    await expect(startMockServer({ port: -1 })).rejects.toThrow('startMockServer: port must be an integer in 0..65535, got -1')
    await expect(startMockServer({ answer: 1 as unknown as () => undefined })).rejects.toThrow('startMockServer: answer must be a function')
  })
})
