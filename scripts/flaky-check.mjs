// `npm run test:flaky`: the jest suite under load, to find tests that pass only on timing luck.
// Each round starts `--copies` (default 2) full runs of jest at once, so they saturate the CPU
// for one another, as a loaded CI machine does; after `--rounds` (default 3) rounds it lists
// every test that failed in any run, with how often. Exit 1 when any did.
//
//   npm run test:flaky                              # 3 rounds of 2 parallel copies
//   npm run test:flaky -- --rounds 5 --copies 3     # harder
//   npm run test:flaky -- test/simulate             # only some files (jest's own arguments)
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  if (i < 0) return fallback
  const raw = args[i + 1]
  const value = Number(raw)
  args.splice(i, 2)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`test:flaky: --${name} must be a whole number >= 1, got ${raw}`)
    process.exit(2)
  }
  return value
}
const rounds = option('rounds', 3)
const copies = option('copies', 2)
const out = mkdtempSync(join(tmpdir(), 'flaky-check-'))

/** One jest run; resolves with its JSON report (null when jest wrote none). */
function runJest(name) {
  const file = join(out, `${name}.json`)
  return new Promise((resolve) => {
    const child = spawn('npx', ['jest', '--silent', '--json', `--outputFile=${file}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)))
    child.on('exit', (code) => {
      try {
        resolve({ code, report: JSON.parse(readFileSync(file, 'utf8')) })
      } catch {
        resolve({ code, report: null, stderr })
      }
    })
  })
}

const failures = new Map()
let runs = 0
let tests = 0
for (let round = 1; round <= rounds; round++) {
  const started = Date.now()
  const results = await Promise.all(Array.from({ length: copies }, (_, c) => runJest(`r${round}c${c}`)))
  for (const { code, report, stderr } of results) {
    runs++
    if (report === null) {
      console.error(`round ${round}: jest exited ${code} without a report\n${stderr}`)
      failures.set('(no report)', (failures.get('(no report)') ?? 0) + 1)
      continue
    }
    tests += report.numTotalTests
    for (const suite of report.testResults) {
      if (suite.status === 'failed' && suite.assertionResults.every((t) => t.status !== 'failed')) {
        // A suite that failed outside any test (setup, a crash): its message names it.
        const key = `${suite.name} (suite: ${(suite.message.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 120)})`
        failures.set(key, (failures.get(key) ?? 0) + 1)
      }
      for (const t of suite.assertionResults) {
        if (t.status === 'failed') {
          const key = `${suite.name.replace(`${process.cwd()}/`, '')} › ${t.fullName}`
          failures.set(key, (failures.get(key) ?? 0) + 1)
        }
      }
    }
  }
  const failed = results.filter((r) => r.code !== 0).length
  console.log(`round ${round}/${rounds}: ${copies} copies in parallel, ${failed} failed, ${((Date.now() - started) / 1000).toFixed(0)} s`)
}
rmSync(out, { recursive: true, force: true })
console.log(`\n${runs} runs, ${tests.toLocaleString('en')} test results`)
if (failures.size === 0) {
  console.log('no test failed in any run')
} else {
  console.log(`${failures.size} test(s) failed at least once:`)
  for (const [name, count] of [...failures].sort((a, b) => b[1] - a[1])) console.log(`  ${count}/${runs}  ${name}`)
  process.exitCode = 1
}
