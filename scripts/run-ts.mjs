// Runs a TypeScript entry with Node: bundles it (dependencies left external) to build/run/
// and executes it with the remaining arguments. `node scripts/run-ts.mjs bench/x.ts --flag`.
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const [entry, ...args] = process.argv.slice(2)
if (!entry) {
  console.error('usage: node scripts/run-ts.mjs <file.ts> [args...]')
  process.exit(2)
}
const outfile = join(root, 'build/run', basename(entry).replace(/\.ts$/, '.cjs'))
await build({
  entryPoints: [join(root, entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
})
const result = spawnSync(process.execPath, ['--enable-source-maps', '--expose-gc', outfile, ...args], { stdio: 'inherit' })
process.exit(result.status ?? 1)
