/**
 * `npm run screenshots` works: both steps run (the pages under miniprogram-simulate against the
 * real server, then headless Chromium) into temp folders, and every state of the README
 * section comes out as a real PNG, 750 px wide (375 px at device scale 2), not a blank file.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

const ROOT = path.join(__dirname, '../..')
const SHOTS = [
  'conversation',
  'dark',
  'offline',
  'emoji-panel',
  'long-press-menu',
  'recalled',
  'rating',
  'new-messages-pill',
  'image-uploading',
  'history-paged',
  'entry',
]

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env } })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    )
  })
}

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'screenshots-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

it('writes every screenshot as a 750 px wide PNG', async () => {
  const html = path.join(dir, 'html')
  const png = path.join(dir, 'png')
  await run(process.execPath, [createRequire(__filename).resolve('jest/bin/jest'), '-c', 'jest.screenshots.config.js'], {
    SCREENSHOTS_HTML: html,
  })
  await run(process.execPath, ['scripts/run-ts.mjs', 'scripts/screenshots-render.ts', '--in', html, '--out', png])
  expect(fs.readdirSync(png).sort()).toEqual(SHOTS.map((s) => `${s}.png`).sort())
  for (const name of SHOTS) {
    const bytes = fs.readFileSync(path.join(png, `${name}.png`))
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(bytes.readUInt32BE(16)).toBe(750) // IHDR width
    expect(bytes.readUInt32BE(20)).toBe(1334) // IHDR height
    expect(bytes.length).toBeGreaterThan(20_000) // a page of text and colour, not an empty frame
  }
}, 180_000)
