// Bundles the reference server (server/) to build/server/ with esbuild; npm packages stay
// external (resolved from node_modules at run time). `--outdir DIR` puts it somewhere else
// (the tests build into a folder of their own under build/).
import { build } from 'esbuild'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const outdirArg = args.indexOf('--outdir')
const outdir = outdirArg >= 0 ? path.resolve(args[outdirArg + 1]) : path.join(root, 'build/server')

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
}

await build({
  ...common,
  entryPoints: { main: 'server/main.ts', 'agent-add': 'server/agent-add.ts' },
  outdir,
})
