// `npm run bench`: every benchmark, one after another (each prints its own table with
// ratios against a baseline measured in the same run). Each also runs alone: npm run bench:<name>.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const { scripts } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
const names = Object.keys(scripts).filter((name) => name.startsWith('bench:'))
let failed = 0
for (const name of names) {
  console.log(`\n=== npm run ${name}`)
  const result = spawnSync('npm', ['run', '--silent', name], { stdio: 'inherit' })
  if (result.status !== 0) {
    failed++
    console.error(`npm run ${name} failed (${result.status})`)
  }
}
process.exit(failed ? 1 : 0)
