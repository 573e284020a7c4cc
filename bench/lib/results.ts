/**
 * Figures a benchmark hands to `npm run bench`'s closing summary (scripts/bench.mjs): each
 * bench merges its own key into build/bench/results.json; the summary reads them after every
 * bench has run and prints the issue's table of aims with today's figures, in one place.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const file = join(__dirname, '../bench/results.json') // build/run/<bench>.cjs → build/bench/results.json

export function record(key: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true })
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {}
  all[key] = value
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`)
}
