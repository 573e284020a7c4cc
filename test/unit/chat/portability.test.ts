import fs from 'node:fs'
import path from 'node:path'

// src/chat is bundled into the mini-program and the browser console: it may import only
// its own files, the library's platform-free modules (below) and mitt; and it may not touch
// wx, the DOM or Node. Those library modules are held to the same rule about globals.
const dir = path.join(__dirname, '../../../src/chat')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))
const sharedModules = ['../types', '../errors', '../clock', '../emitter', '../protocol']
const src = path.join(__dirname, '../../../src')
const sharedFiles = [
  'types.ts',
  'errors.ts',
  'clock.ts',
  'emitter.ts',
  ...fs.readdirSync(path.join(src, 'protocol')).map((f) => `protocol/${f}`),
]

describe('src/chat portability', () => {
  it.each(files)('%s imports only relative modules and mitt', (file) => {
    const source = fs.readFileSync(path.join(dir, file), 'utf8')
    const specifiers = Array.from(source.matchAll(/from '([^']+)'/g), (m) => m[1]!)
    for (const specifier of specifiers) expect(specifier).toMatch(/^(\.\.?\/|mitt$)/)
    expect(specifiers.filter((s) => s.startsWith('../')).every((s) => sharedModules.includes(s))).toBe(true)
  })

  it.each([...files.map((f) => `chat/${f}`), ...sharedFiles])('%s uses no wx, DOM or Node globals', (file) => {
    const code = fs
      .readFileSync(path.join(src, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
    expect(code).not.toMatch(/\b(wx|window|document|process|Buffer|require|globalThis|localStorage|sessionStorage)\b/)
  })
})
