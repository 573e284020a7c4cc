// Bundles the agent console (console/) with esbuild into build/console/: index.html,
// app.js (one IIFE with ChatSocket, the chat logic and the views) and app.css. The server
// serves that folder at /agent/. `--outdir DIR` builds elsewhere (the e2e tests use a temp
// folder); `--dev` adds an inline source map and skips minifying.
import { build } from 'esbuild'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const outdirArg = args.indexOf('--outdir')
const outdir = outdirArg >= 0 ? path.resolve(args[outdirArg + 1]) : path.join(root, 'build/console')
const dev = args.includes('--dev')
const src = path.join(root, 'console')

fs.mkdirSync(outdir, { recursive: true })
await build({
  absWorkingDir: root,
  entryPoints: [path.join(src, 'main.ts')],
  outfile: path.join(outdir, 'app.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020', // evergreen desktop browsers
  minify: !dev,
  sourcemap: dev ? 'inline' : false,
  legalComments: 'none',
  logLevel: 'warning',
})
await build({
  absWorkingDir: root,
  entryPoints: [path.join(src, 'app.css')],
  outfile: path.join(outdir, 'app.css'),
  bundle: true,
  minify: !dev,
  target: ['chrome90', 'firefox90', 'safari14', 'edge90'],
  logLevel: 'warning',
})
for (const file of ['index.html', 'favicon.svg']) fs.copyFileSync(path.join(src, file), path.join(outdir, file))
