/** The testing kit's `wx`: storage, real HTTP, the login/chooseMedia doubles, and the lifecycle that drives ChatSocket. */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ChatSocket } from 'miniprogram-chat-socket'
import { createFakeConnectSocket, createWxEnv } from 'miniprogram-chat-socket/testing'

const callback = <T>(run: (o: { success: (r: T) => void; fail: (e: { errMsg: string }) => void }) => void) =>
  new Promise<T | { failed: string }>((resolve) => run({ success: resolve, fail: (e) => resolve({ failed: e.errMsg }) }))

describe('createWxEnv', () => {
  it('storage: copies in and out, "" for a missing key, seeded from options.storage', () => {
    const wx = createWxEnv({ storage: [['kept', { n: 1 }]] })
    expect(wx.getStorageSync('kept')).toEqual({ n: 1 })
    expect(wx.getStorageSync('missing')).toBe('')
    const value = { list: [1] }
    wx.setStorageSync('k', value)
    value.list.push(2)
    expect(wx.getStorageSync('k')).toEqual({ list: [1] })
    wx.removeStorageSync('k')
    expect(wx.storage.has('k')).toBe(false)
  })

  it('request is real HTTP: JSON parsed, status and path recorded; a refused connection fails with errMsg', async () => {
    const http: Server = createServer((req, res) =>
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url })),
    )
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`
    const wx = createWxEnv()
    const res = await callback<{ statusCode: number; data: unknown }>((cb) =>
      wx.request({ url: `${base}/api/x?q=1`, method: 'post', data: { a: 1 }, ...cb }),
    )
    expect(res).toMatchObject({ statusCode: 201, data: { path: '/api/x?q=1' } })
    expect(wx.requests).toEqual(['POST /api/x'])
    await new Promise((resolve) => http.close(resolve))
    const refused = await callback((cb) => wx.request({ url: `${base}/gone`, ...cb }))
    expect(refused).toEqual({ failed: expect.stringMatching(/^request:fail /) })
  })

  it('login hands out codes with the prefix, or fails; chooseMedia picks what the test queued, else cancels', async () => {
    const wx = createWxEnv()
    wx.loginPrefix = 'p'
    expect(await callback((cb) => wx.login(cb))).toEqual({ code: 'p-1', errMsg: 'login:ok' })
    wx.loginFails = true
    expect(await callback((cb) => wx.login(cb))).toEqual({ failed: 'login:fail' })
    const file = wx.tempFile(new Uint8Array([1, 2, 3, 4]), 'png')
    wx.media.push({ tempFilePath: file, width: 2, height: 2 })
    expect(await callback((cb) => wx.chooseMedia(cb))).toMatchObject({ tempFiles: [{ tempFilePath: file, size: 4, fileType: 'image' }] })
    expect(await callback((cb) => wx.chooseMedia(cb))).toEqual({ failed: 'chooseMedia:fail cancel' })
    wx.cleanup()
  })

  describe('drives ChatSocket (lifecycle: wx) on fake timers', () => {
    beforeEach(() => jest.useFakeTimers())
    afterEach(() => jest.useRealTimers())

    it('emitAppShow probes an open link with a ping at once; setNetwork("none") holds reconnects until "wifi"', async () => {
      const fake = createFakeConnectSocket({ autoAck: true })
      const wx = createWxEnv({ connectSocket: fake.connectSocket })
      const socket = new ChatSocket({
        url: 'wss://x/ws',
        connectSocket: wx.connectSocket,
        lifecycle: wx,
        reconnect: { minDelay: 100, jitter: 0 },
      })
      expect(wx.lifecycleListeners()).toBe(3)
      await jest.advanceTimersByTimeAsync(0)
      fake.last().open()
      wx.emitAppHide()
      wx.emitAppShow()
      expect(fake.last().sent.map((f) => f.type)).toEqual(['ping'])

      wx.setNetwork('none')
      fake.last().serverClose(1006, '')
      await jest.advanceTimersByTimeAsync(60_000)
      expect(fake.tasks).toHaveLength(1)
      wx.setNetwork('wifi')
      await jest.advanceTimersByTimeAsync(0)
      expect(fake.tasks).toHaveLength(2)
      socket.close()
      expect(wx.lifecycleListeners()).toBe(0)
    })

    it('getNetworkType answers the network createWxEnv started with, then what setNetwork set', async () => {
      const wx = createWxEnv({ network: 'none' })
      const got: string[] = []
      wx.getNetworkType({ success: (r) => got.push(r.networkType) })
      await jest.advanceTimersByTimeAsync(0)
      wx.setNetwork('4g')
      wx.getNetworkType({ success: (r) => got.push(r.networkType) })
      await jest.advanceTimersByTimeAsync(0)
      expect(got).toEqual(['none', '4g'])
    })
  })

  it('rejects a connectSocket that is no function', () => {
    expect(() => createWxEnv({ connectSocket: 'x' as unknown as () => never })).toThrow(
      'createWxEnv: connectSocket must be a function like wx.connectSocket',
    )
  })
})
