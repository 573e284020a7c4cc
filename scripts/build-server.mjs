// Bundles the reference server (server/) to build/server/ with esbuild; npm packages stay
// external (resolved from node_modules at run time). `--bench` also bundles bench/server-*.ts
// to build/bench/. `--outdir DIR` puts the server somewhere else (the tests use a temp folder).
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

if (args.includes('--bench')) {
  await build({
    ...common,
    entryPoints: {
      'server-connections': 'bench/server-connections.ts',
      'server-roundtrip': 'bench/server-roundtrip.ts',
      'server-child': 'bench/server-child.ts',
    },
    outdir: path.join(root, 'build/bench'),
  })
}
