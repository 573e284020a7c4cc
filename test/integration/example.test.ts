/**
 * examples/chat-page, the page and tests a user would write, run with its own jest config
 * against the packed package (scripts/example-test.mjs: npm pack, installed into a scratch
 * folder; ts-jest type-checks the example against the shipped declarations).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '../..')

interface JestResult {
  success: boolean
  numPassedTests: number
  numFailedTests: number
  testResults: Array<{ name: string; status: string; message: string }>
}

it('examples/chat-page passes against the packed tarball', () => {
  const run = spawnSync(process.execPath, [join(root, 'scripts/example-test.mjs'), 'chat-page'], { cwd: root, encoding: 'utf8' })
  const result = JSON.parse(readFileSync(join(root, 'build/example-chat-page/jest-result.json'), 'utf8')) as JestResult
  const files = result.testResults.map((r) => [r.name.replace(/^.*\/build\/example-chat-page\//, ''), r.status, r.message])
  expect(files.sort()).toEqual([
    ['test/chat-page-timers.test.ts', 'passed', ''],
    ['test/chat-page.test.ts', 'passed', ''],
  ])
  expect(result.numFailedTests).toBe(0)
  expect(result.numPassedTests).toBe(6)
  expect(run.status).toBe(0)
}, 240_000)
