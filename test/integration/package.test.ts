/**
 * The built package, as users get it: `npm install` runs `prepare`, which builds dist/ and
 * miniprogram_dist/. These tests load those files, not the sources.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'

const root = join(__dirname, '../..')
const built = [
  'dist/cjs/index.js',
  'dist/esm/index.js',
  'dist/types/index.d.ts',
  'dist/cjs/chat/index.js',
  'dist/esm/chat/index.js',
  'dist/types/chat/index.d.ts',
  'miniprogram_dist/index.js',
  'miniprogram_dist/index.d.ts',
  'miniprogram_dist/chat/index.js',
]

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim()

describe('the built package', () => {
  it('has every artifact package.json points at', () => {
    const missing = built.filter((f) => !existsSync(join(root, f)))
    expect(missing).toEqual([]) // run `npm run build` (npm install does it through prepare)
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>
    expect(pkg.main).toBe('dist/cjs/index.js')
    expect(pkg.module).toBe('dist/esm/index.js')
    expect(pkg.miniprogram).toBe('miniprogram_dist')
    expect(pkg.dependencies).toEqual({ mitt: expect.any(String) })
  })

  it("require('miniprogram-chat-socket') exposes ChatSocket, the adapters and SocketError", () => {
    const out = node([
      '-e',
      `const m = require('miniprogram-chat-socket');
       const s = new m.ChatSocket({ url: 'ws://x', connectSocket: m.createNodeConnectSocket(require('ws')), autoConnect: false, lifecycle: false });
       console.log(JSON.stringify({ keys: Object.keys(m).sort(), state: s.state, error: new m.SocketError('CLOSED', 'x') instanceof Error }))`,
    ])
    expect(JSON.parse(out)).toEqual({
      keys: expect.arrayContaining([
        'ChatSocket',
        'SocketError',
        'ErrorCodes',
        'createWebConnectSocket',
        'createNodeConnectSocket',
        'createMiniProgramConnectSocket',
        'DEFAULTS',
      ]),
      state: 'idle',
      error: true,
    })
  })

  it("require('miniprogram-chat-socket/chat') and its ESM import expose the chat layer", () => {
    const cjs = node([
      '-e',
      `const c = require('miniprogram-chat-socket/chat'); console.log(typeof c.AgentDesk, typeof c.CustomerSession, typeof c.watchToken)`,
    ])
    expect(cjs).toBe('function function function')
    const esm = node([
      '--input-type=module',
      '-e',
      `import { ConversationClient, MessageList } from 'miniprogram-chat-socket/chat'; console.log(typeof ConversationClient, typeof MessageList)`,
    ])
    expect(esm).toBe('function function')
  })

  it('imports as ESM through the exports map', () => {
    const out = node([
      '--input-type=module',
      '-e',
      `import { ChatSocket, SocketError } from 'miniprogram-chat-socket'; console.log(typeof ChatSocket, typeof SocketError)`,
    ])
    expect(out).toBe('function function')
  })

  it('the mini-program bundle is one self-contained CommonJS file (mitt inlined) that runs on a wx-shaped task', () => {
    const code = readFileSync(join(root, 'miniprogram_dist/index.js'), 'utf8')
    const sandbox = {
      module: { exports: {} as Record<string, unknown> },
      exports: {},
      require: (name: string) => {
        throw new Error(`the bundle must not require anything, asked for ${name}`)
      },
      Promise,
      setTimeout,
      clearTimeout,
    }
    sandbox.exports = sandbox.module.exports
    runInNewContext(code, sandbox)
    const { ChatSocket, SocketError } = sandbox.module.exports as {
      ChatSocket: new (o: object) => { state: string; close(): void; on(t: string, f: () => void): () => void }
      SocketError: unknown
    }
    expect(typeof ChatSocket).toBe('function')
    expect(typeof SocketError).toBe('function')
    const sent: string[] = []
    let open = () => undefined as void
    const socket = new ChatSocket({
      url: 'ws://x',
      lifecycle: false,
      autoConnect: false,
      connectSocket: () => ({
        send: (o: { data: string }) => void sent.push(o.data),
        close: () => undefined,
        onOpen: (fn: () => void) => void (open = fn),
        onClose: () => undefined,
        onError: () => undefined,
        onMessage: () => undefined,
      }),
    }) as unknown as { state: string; connect(): Promise<void>; send(m: object): Promise<unknown>; close(): void }
    void socket.connect()
    void socket.send({ type: 'message', text: 'hi' }).catch(() => undefined)
    open()
    expect(socket.state).toBe('open')
    expect(JSON.parse(sent[0] ?? '{}')).toMatchObject({ type: 'message', text: 'hi', id: expect.any(String) })
    socket.close()
  })
})
