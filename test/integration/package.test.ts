/**
 * The package as users install it: `npm pack` of the built tree, installed into a scratch
 * consumer folder (scripts/pack-install.mjs → build/pack/). Every entry is imported by its
 * name from there, as CommonJS, as ESM and by the TypeScript compiler under node16 and bundler
 * resolution; nothing here reads src/ or dist/ of the repository.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runInNewContext } from 'node:vm'

const root = join(__dirname, '../..')
const consumer = join(root, 'build/pack-test')
const installed = join(consumer, 'node_modules/miniprogram-chat-socket')

interface Packed {
  filename: string
  size: number
  files: Array<{ path: string; size: number }>
}

const node = (args: string[]) => execFileSync(process.execPath, args, { cwd: consumer, encoding: 'utf8' }).trim()
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>
  files: string[]
  dependencies: Record<string, string>
  engines: { node: string }
}
/** Every public entry of the exports map, by the name users import. */
const entries = Object.keys(pkg.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'miniprogram-chat-socket' : `miniprogram-chat-socket/${key.slice(2)}`))

let packed: Packed

beforeAll(() => {
  execFileSync(process.execPath, [join(root, 'scripts/pack-install.mjs'), consumer], { cwd: root, encoding: 'utf8' })
  packed = JSON.parse(readFileSync(join(consumer, 'packed.json'), 'utf8')) as Packed
}, 120_000)

describe('the packed package', () => {
  it('ships the builds, the mini-program bundle, README, LICENSE and CHANGELOG, and no source', () => {
    const paths = packed.files.map((f) => f.path)
    expect(paths).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'miniprogram_dist/index.js']))
    expect(paths.filter((p) => p.startsWith('src/') || (p.endsWith('.ts') && !p.endsWith('.d.ts')))).toEqual([])
    // Maps name the sources (for stack traces) without carrying them.
    for (const map of paths.filter((p) => p.endsWith('.map'))) {
      const content = JSON.parse(readFileSync(join(installed, map), 'utf8')) as { sourcesContent?: unknown }
      expect([map, content.sourcesContent]).toEqual([map, undefined])
    }
    expect(pkg.dependencies).toEqual({ mitt: expect.any(String) })
  })

  it.each(entries)('%s loads by name with require() and import, with the same exports', (name) => {
    const cjs = node(['-e', `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(name)})).sort()))`])
    const esm = node([
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()))`,
    ])
    expect(JSON.parse(esm)).toEqual(JSON.parse(cjs))
    // jest-setup installs globals and exports nothing; the other entries export something.
    if (!name.endsWith('/jest-setup')) expect(JSON.parse(cjs)).not.toEqual([])
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

  it("'miniprogram-chat-socket/chat' exposes the chat layer, as CommonJS and as ESM", () => {
    expect(
      node(['-e', `const c = require('miniprogram-chat-socket/chat'); console.log(typeof c.AgentDesk, typeof c.CustomerSession)`]),
    ).toBe('function function')
    const esm = node([
      '--input-type=module',
      '-e',
      `import { ConversationClient, MessageList } from 'miniprogram-chat-socket/chat'; console.log(typeof ConversationClient, typeof MessageList)`,
    ])
    expect(esm).toBe('function function')
  })

  // The compiler settings users have: node16/nodenext (CommonJS and ESM files) and bundler.
  it.each([
    ['node16, a CommonJS file', { module: 'node16', moduleResolution: 'node16' }, 'cts'],
    ['node16, an ESM file', { module: 'node16', moduleResolution: 'node16' }, 'mts'],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }, 'ts'],
  ])('every entry type-checks by name under %s resolution', (label, options, ext) => {
    const file = `consumer-${label.replace(/\W+/g, '-')}.${ext}`
    const lines = entries.map((name, i) => `import * as entry${i} from '${name}'\nexport const keys${i} = Object.keys(entry${i})`)
    lines.push(
      `import { ChatSocket, type SocketState } from 'miniprogram-chat-socket'`,
      `import type { ChatSocketLike } from 'miniprogram-chat-socket/chat'`,
      `declare const socket: ChatSocket`,
      `export const state: SocketState = socket.state`,
      // The chat layer's socket interface is met by the class, across the two entries.
      `export const asChat: ChatSocketLike = socket`,
    )
    writeFileSync(join(consumer, file), lines.join('\n') + '\n')
    const tsc = join(root, 'node_modules/typescript/bin/tsc')
    const args = [tsc, '--noEmit', '--strict', '--skipLibCheck', 'false', '--target', 'es2020', '--types', 'node', '--lib', 'es2020,dom']
    for (const [key, value] of Object.entries(options)) args.push(`--${key}`, value)
    let output = ''
    try {
      execFileSync(process.execPath, [...args, file], { cwd: consumer, encoding: 'utf8' })
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error)
    }
    expect(output).toBe('')
  })

  it('the mini-program bundle is one self-contained CommonJS file (mitt inlined) that runs on a wx-shaped task', () => {
    const code = readFileSync(join(installed, 'miniprogram_dist/index.js'), 'utf8')
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
