// `npm run bench`: every benchmark, one after another (each prints its own table with
// ratios against a baseline measured in the same run), then the summary: issue 15's table of
// aims with this run's figures, read from build/bench/results.json (each bench records its
// figures there, bench/lib/results.ts). Each bench also runs alone: npm run bench:<name>;
// `npm run bench -- --summary` prints the summary again from the last recorded figures.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'

const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const resultsFile = new URL('../build/bench/results.json', import.meta.url)
// `--summary`: only the summary, from the figures the benches last recorded.
const onlySummary = process.argv.includes('--summary')
// Otherwise figures from an earlier run must not pass for this run's.
if (!onlySummary) rmSync(resultsFile, { force: true })
const names = onlySummary ? [] : Object.keys(scripts).filter((name) => name.startsWith('bench:'))
let failed = 0
for (const name of names) {
  console.log(`\n=== npm run ${name}`)
  const result = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' })
  if (result.status !== 0) {
    failed++
    console.error(`npm run ${name} failed (${result.status})`)
  }
}
summary()
process.exit(failed ? 1 : 0)

/** The aims of issue 15, each with this run's figure and whether it is met. */
function summary() {
  const r = existsSync(resultsFile) ? JSON.parse(readFileSync(resultsFile, 'utf8')) : {}
  const x = (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'not measured')
  const rows = []
  /** `atLeast`: true when bigger is better; `unit`: '×' for a ratio, ' B' for bytes. */
  const aim = (figure, value, target, atLeast, unit = '×') => {
    const measured = Number.isFinite(value)
    const text = !measured ? 'not measured' : unit === '×' ? x(value) : `${value.toLocaleString('en')}${unit}`
    const met = !measured ? '' : (atLeast ? value >= target : value <= target) ? 'met' : 'missed'
    rows.push([figure, text, `${atLeast ? '≥' : '≤'} ${target.toLocaleString('en')}${unit}`, met])
  }
  const t = r.throughput ?? {}
  for (const link of ['wx', 'ws']) {
    const on = link === 'wx' ? 'wx.connectSocket shim' : 'bare ws'
    for (const [name, base, target] of [
      ['ChatSocket send, ack: false', 'raw, no acks', 0.9],
      ['ChatSocket post', 'raw, no acks', 0.9],
      ['ChatSocket send, acks', 'raw + hand-matched acks', 0.85],
    ]) {
      const v = t[`${name} [${link}]`]
      aim(`${name} vs ${base}, messages/s (${on})`, v?.rateRatio, target, true)
      aim(`${name} vs ${base}, raw CPU ÷ CPU (${on})`, v?.cpuRatio, target, true)
    }
  }
  const gz = r.bundle?.shippedGzip
  aim('mini-program bundle (miniprogram_dist/index.js), min+gzip', gz, 4000, false, ' B')
  const m = r.serverMemory
  aim('server RSS per idle connection vs bare ws', m ? m.chat.rssPerConn / m.echo.rssPerConn : NaN, 1.3, false)
  aim('server JS heap per idle connection vs bare ws', m ? m.chat.heapPerConn / m.echo.heapPerConn : NaN, 1.3, false)
  const l = r.latency
  aim('customer→agent p50 vs bare ws echo', l ? l.chat.oneHop.p50 / l.echo.oneHop.p50 : NaN, 1.8, false)
  aim('customer→agent p99 vs bare ws echo', l ? l.chat.oneHop.p99 / l.echo.oneHop.p99 : NaN, 3, false)

  console.log('\n=== summary: the aims of issue 15, this run\n')
  printTable(['figure', 'this run', 'aim', 'aim met?'], rows)
  const peers = Object.entries(t).filter(([k]) => !k.startsWith('raw') && !k.startsWith('ChatSocket'))
  if (peers.length > 0) {
    console.log('\nPeers, same run, same servers (ratios against the raw baseline on the same link):\n')
    printTable(
      ['peer [link]', 'messages/s', '× raw', 'raw CPU ÷ CPU'],
      peers.map(([k, v]) => [k, Math.round(v.messagesPerSecond).toLocaleString('en'), x(v.rateRatio), x(v.cpuRatio)]),
    )
  }
  if (r.bundle?.peers) {
    console.log('\nBundles, min+gzip bytes (esbuild --bundle --minify, ES2018, gzip -9):\n')
    printTable(
      ['bundle', 'bytes', '× shipped'],
      Object.entries(r.bundle.peers).map(([k, v]) => [k, v.gzip.toLocaleString('en'), x(v.gzip / gz)]),
    )
  }
}

function printTable(header, rows) {
  const cells = [header, ...rows.map((row) => row.map(String))]
  const widths = header.map((_, c) => Math.max(...cells.map((row) => (row[c] ?? '').length)))
  const line = (row) => `| ${row.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`
  console.log(line(header))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of cells.slice(1)) console.log(line(row))
}
