// Builds the library: for every package entry, dist/cjs/<entry>.js (require) and
// dist/esm/<entry>.js (import), each next to its own bundled declarations (<entry>.d.ts;
// dist/esm/package.json says "type": "module", so the ones there are ESM declarations and the
// ones in dist/cjs CommonJS ones, as node16/bundler resolution expects). Plus the
// single-file mini-program bundles (mitt inlined) in miniprogram_dist/ (package.json
// "miniprogram" field) and miniprogram/lib/ (what the devtools project imports).
//
// A new entry: one line in `entries` and one block in package.json "exports" (and
// "typesVersions"); test/integration/package.test.ts imports every entry by name from the
// packed tarball, and `npm run lint:package` (attw, publint) checks the map.
import { build } from 'esbuild'
import { rollup } from 'rollup'
import { dts } from 'rollup-plugin-dts'
import { execFileSync } from 'node:child_process'
import { builtinModules } from 'node:module'
import { cpSync, mkdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const at = (...p) => join(root, ...p)

rmSync(at('dist'), { recursive: true, force: true })
rmSync(at('miniprogram_dist'), { recursive: true, force: true })

// Source maps without the sources inside (sourcesContent: false): stack traces (node
// --enable-source-maps, devtools) still name src/…ts and its lines, while the package does not
// carry the source once per format; src/ itself is not shipped either (package.json "files").
const common = { bundle: true, sourcemap: true, sourcesContent: false, logLevel: 'warning' }
/**
 * `platform`: 'neutral' for what runs in a mini-program, a browser and Node alike (ES2017, the
 * base library's JS engines); 'node' for the Node-only testing kit (Node 18, the engines floor).
 * `miniprogram`: also bundled into miniprogram_dist/ (the mini-program entry of `.` is src/miniprogram.ts).
 */
const entries = [
  { in: 'src/index.ts', out: 'index', platform: 'neutral', miniprogram: 'src/miniprogram.ts' },
  { in: 'src/chat/index.ts', out: 'chat/index', platform: 'neutral', miniprogram: 'src/chat/index.ts' },
  { in: 'src/testing/index.ts', out: 'testing/index', platform: 'node' },
  { in: 'src/testing/jest-setup.ts', out: 'testing/jest-setup', platform: 'node' },
].filter((e) => existsSync(at(e.in)))

/** Packages the published bundles load at run time instead of inlining (dependencies and optional peers). */
const external = ['mitt', 'ws', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]
const targets = { neutral: 'es2017', node: 'node18' }

for (const entry of entries) {
  const options = { ...common, entryPoints: [at(entry.in)], platform: entry.platform, target: targets[entry.platform], external }
  await build({ ...options, outfile: at('dist/cjs', `${entry.out}.js`), format: 'cjs' })
  await build({ ...options, outfile: at('dist/esm', `${entry.out}.js`), format: 'esm' })
}
writeFileSync(at('dist/esm/package.json'), '{ "type": "module" }\n')

// Declarations: tsc writes one .d.ts per source file to build/types (not shipped), then
// rollup-plugin-dts bundles them per entry (shared types in shared chunks, so a type has
// one declaration across entries), once for each format folder.
rmSync(at('build/types'), { recursive: true, force: true })
execFileSync(process.execPath, [at('node_modules/typescript/bin/tsc'), '-p', at('tsconfig.build.json')], { stdio: 'inherit' })
const declarationEntries = Object.fromEntries(
  entries.map((e) => [e.out, at('build/types', e.in.replace(/^src\//, '').replace(/\.ts$/, '.d.ts'))]),
)
const bundle = await rollup({
  input: declarationEntries,
  plugins: [dts({ respectExternal: false })],
  external: (id) => external.includes(id) || id.startsWith('node:'),
  onwarn: (warning, warn) => (warning.code === 'EMPTY_BUNDLE' ? undefined : warn(warning)),
})
for (const format of ['cjs', 'esm']) {
  await bundle.write({
    dir: at('dist', format),
    format: 'es',
    entryFileNames: '[name].d.ts',
    chunkFileNames: (chunk) => `shared/${chunk.name.replace(/\.d$/, '')}-[hash].d.ts`,
  })
}
await bundle.close()

// Mini-program bundles: CommonJS, mitt inlined, ES2017. The socket entry leaves out the
// browser and Node adapters; its types are those of src/miniprogram.ts.
const miniprogramEntries = entries.filter((e) => e.miniprogram)
for (const entry of miniprogramEntries) {
  const outfile = at('miniprogram_dist', `${entry.out}.js`)
  await build({
    ...common,
    sourcemap: false,
    platform: 'neutral',
    target: 'es2017',
    entryPoints: [at(entry.miniprogram)],
    outfile,
    format: 'cjs',
    minify: true,
    legalComments: 'none',
  })
}
cpSync(at('build/types'), at('miniprogram_dist'), { recursive: true, filter: (src) => !src.includes('/testing') })
writeFileSync(at('miniprogram_dist/index.d.ts'), "export * from './miniprogram'\n")

// The devtools project sees only miniprogram/: give it its own copy.
if (existsSync(at('miniprogram'))) {
  rmSync(at('miniprogram/lib'), { recursive: true, force: true })
  mkdirSync(at('miniprogram/lib'), { recursive: true })
  cpSync(at('miniprogram_dist'), at('miniprogram/lib'), { recursive: true })
}
console.log('built dist/, miniprogram_dist/ and miniprogram/lib/')
