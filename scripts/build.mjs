// Builds the library: dist/cjs (package main), dist/esm (module/exports), dist/types (.d.ts),
// and the single-file mini-program bundle (mitt inlined) in miniprogram_dist/ (package.json
// "miniprogram" field) and miniprogram/lib/ (what the devtools project imports).
import { build } from 'esbuild'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const at = (...p) => join(root, ...p)

rmSync(at('dist'), { recursive: true, force: true })
rmSync(at('miniprogram_dist'), { recursive: true, force: true })

const common = { bundle: true, platform: 'neutral', target: 'es2017', sourcemap: true, logLevel: 'warning' }
const entries = [
  { in: at('src/index.ts'), out: 'index' },
  ...(existsSync(at('src/chat/index.ts')) ? [{ in: at('src/chat/index.ts'), out: 'chat/index' }] : []),
]

for (const entry of entries) {
  await build({ ...common, entryPoints: [entry.in], outfile: at('dist/cjs', `${entry.out}.js`), format: 'cjs', external: ['mitt'] })
  await build({ ...common, entryPoints: [entry.in], outfile: at('dist/esm', `${entry.out}.js`), format: 'esm', external: ['mitt'] })
}
writeFileSync(at('dist/esm/package.json'), '{ "type": "module" }\n')

// Declarations.
execFileSync(process.execPath, [at('node_modules/typescript/bin/tsc'), '-p', at('tsconfig.build.json')], { stdio: 'inherit' })

// Mini-program bundles: CommonJS, mitt inlined, ES2017 (the base library's JS engines). The
// socket entry leaves out the browser and Node adapters; its types are those of src/miniprogram.ts.
const miniprogramEntries = entries.map((e) => (e.out === 'index' ? { ...e, in: at('src/miniprogram.ts') } : e))
for (const entry of miniprogramEntries) {
  const outfile = at('miniprogram_dist', `${entry.out}.js`)
  await build({ ...common, sourcemap: false, entryPoints: [entry.in], outfile, format: 'cjs', minify: true, legalComments: 'none' })
}
cpSync(at('dist/types'), at('miniprogram_dist'), { recursive: true, filter: (src) => !src.endsWith('.map') })
writeFileSync(at('miniprogram_dist/index.d.ts'), "export * from './miniprogram'\n")

// The devtools project sees only miniprogram/: give it its own copy.
if (existsSync(at('miniprogram'))) {
  rmSync(at('miniprogram/lib'), { recursive: true, force: true })
  mkdirSync(at('miniprogram/lib'), { recursive: true })
  cpSync(at('miniprogram_dist'), at('miniprogram/lib'), { recursive: true })
}
console.log('built dist/, miniprogram_dist/ and miniprogram/lib/')
