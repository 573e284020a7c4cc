/**
 * Auto-detection when connectSocket, lifecycle or persist.storage is not given: the first of
 * wx, qq, tt, swan, ks, jd, my (PLATFORM_GLOBALS) with a connectSocket, and that platform's app
 * show/hide and network hooks. Globals are installed on globalThis for each test and removed after.
 */
import { ChatSocket, detectPlatform, PLATFORM_GLOBALS, type PlatformName } from '../../src'
import { alipayApi, wxShapedApi } from './fakes'

const g = globalThis as Record<string, unknown>
afterEach(() => {
  for (const name of PLATFORM_GLOBALS) delete g[name]
  jest.useRealTimers()
})

it('the documented order', () => {
  expect(PLATFORM_GLOBALS).toEqual(['wx', 'qq', 'tt', 'swan', 'ks', 'jd', 'my'])
})

it('none in Node or a browser: connectSocket is required, and the error names the globals looked for', () => {
  expect(detectPlatform()).toBeNull()
  expect(() => new ChatSocket({ url: 'wss://x/ws' })).toThrow(
    'options.connectSocket is required outside a mini-program (no wx/qq/tt/swan/ks/jd/my global)',
  )
})

it.each(['wx', 'qq', 'tt', 'swan', 'ks', 'jd'] as PlatformName[])(
  '%s alone: its connectSocket (called on it), app show/hide and network hooks, and storage for persist',
  async (name) => {
    jest.useFakeTimers()
    const api = wxShapedApi()
    g[name] = api
    expect(detectPlatform()?.name).toBe(name)
    const socket = new ChatSocket({ url: 'wss://x/ws', persist: true, reconnect: { minDelay: 100, jitter: 0 } })
    await jest.advanceTimersByTimeAsync(0)
    expect(api.tasks).toHaveLength(1)
    expect(api.listeners()).toBe(3)
    // The hooks drive the socket: offline holds the reconnect, online dials at once.
    api.tasks[0]!.open()
    api.network({ isConnected: false, networkType: 'none' })
    api.tasks[0]!.serverClose()
    await jest.advanceTimersByTimeAsync(10_000)
    expect(api.tasks).toHaveLength(1)
    api.network({ isConnected: true, networkType: 'wifi' })
    await jest.advanceTimersByTimeAsync(0)
    expect(api.tasks).toHaveLength(2)
    // persist: true wrote the outbox to this platform's storage.
    void socket.send({ type: 'message', text: 'kept' }).catch(() => undefined)
    await jest.advanceTimersByTimeAsync(0)
    expect([...api.storage.keys()].some((k) => k.startsWith('chat-socket.outbox'))).toBe(true)
    socket.close()
    expect(api.listeners()).toBe(0)
  },
)

it('the order decides when several globals exist: wx before qq, tt before my', () => {
  g.qq = wxShapedApi()
  g.wx = wxShapedApi()
  expect(detectPlatform()?.name).toBe('wx')
  delete g.wx
  delete g.qq
  g.my = alipayApi()
  g.tt = wxShapedApi()
  expect(detectPlatform()?.name).toBe('tt')
})

it('a global without connectSocket is skipped', () => {
  g.wx = { onAppShow: () => undefined }
  g.qq = wxShapedApi()
  expect(detectPlatform()?.name).toBe('qq')
})

describe('my (Alipay) alone', () => {
  it('connects through the Alipay adapter (multiple: true) and keeps the outbox in my storage ({ key, data })', async () => {
    jest.useFakeTimers()
    const my = alipayApi()
    g.my = my
    const socket = new ChatSocket({ url: 'wss://x/ws', persist: true })
    await jest.advanceTimersByTimeAsync(0)
    expect(my.calls[0]).toMatchObject({ multiple: true })
    void socket.send({ type: 'message', text: 'kept' }).catch(() => undefined)
    await jest.advanceTimersByTimeAsync(0)
    const keys = [...my.storage.keys()]
    expect(keys.some((k) => k.startsWith('chat-socket.outbox'))).toBe(true)
    socket.close()
  })

  it("getNetworkType's NOTREACHABLE (networkAvailable: false) counts as offline: no dial until the network is back", async () => {
    jest.useFakeTimers()
    const my = alipayApi({ networkType: 'NOTREACHABLE' })
    g.my = my
    const socket = new ChatSocket({ url: 'wss://x/ws', reconnect: { minDelay: 100, jitter: 0 } })
    await jest.advanceTimersByTimeAsync(0)
    my.tasks[0]!.serverClose()
    await jest.advanceTimersByTimeAsync(10_000)
    expect(my.tasks).toHaveLength(1)
    my.network({ isConnected: true, networkType: 'WIFI' })
    await jest.advanceTimersByTimeAsync(0)
    expect(my.tasks).toHaveLength(2)
    socket.close()
  })
})
