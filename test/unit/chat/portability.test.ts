import fs from 'node:fs'
import path from 'node:path'

// src/chat is bundled into the mini-program and the browser console: it may import only
// its own files, the library's types/errors, and mitt; and it may not touch wx, the DOM or Node.
const dir = path.join(__dirname, '../../../src/chat')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))

describe('src/chat portability', () => {
  it.each(files)('%s imports only relative modules and mitt', (file) => {
    const source = fs.readFileSync(path.join(dir, file), 'utf8')
    const specifiers = Array.from(source.matchAll(/from '([^']+)'/g), (m) => m[1])
    for (const specifier of specifiers) expect(specifier).toMatch(/^(\.\.?\/|mitt$)/)
    expect(specifiers.filter((s) => s.startsWith('../')).every((s) => s === '../types' || s === '../errors')).toBe(true)
  })

  it.each(files)('%s uses no wx, DOM or Node globals', (file) => {
    const code = fs
      .readFileSync(path.join(dir, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
    expect(code).not.toMatch(/\b(wx|window|document|process|Buffer|require|globalThis|localStorage|sessionStorage)\b/)
  })
})
