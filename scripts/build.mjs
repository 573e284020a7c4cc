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
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
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
 * `platform`: 'neutral' for what runs in a mini-program, a browser and Node alike (ES2018: object
 * spread and rest stay native; WeChat runs ES2018 syntax from base library 2.30.0 on, iOS 13 and
 * Chrome 86 in the data of wechat-miniprogram/miniprogram-compat; `?.` and `??` are still lowered;
 * older targets: devtools "ES6 转 ES5"); 'node' for the Node-only testing kit (Node 18, the engines floor).
 * `miniprogram`: also bundled into miniprogram_dist/ (the mini-program entry of `.` is src/miniprogram.ts).
 */
const entries = [
  { in: 'src/index.ts', out: 'index', platform: 'neutral', miniprogram: 'src/miniprogram.ts' },
  { in: 'src/chat/index.ts', out: 'chat/index', platform: 'neutral', miniprogram: 'src/chat/index.ts' },
  // The Socket.IO client: its own mini-program file (the core bundle does not grow); its server helper is Node only.
  { in: 'src/socket.io/index.ts', out: 'socket.io/index', platform: 'neutral', miniprogram: 'src/socket.io/miniprogram.ts' },
  { in: 'src/socket.io-server/index.ts', out: 'socket.io-server/index', platform: 'node' },
  { in: 'src/testing/index.ts', out: 'testing/index', platform: 'node' },
  { in: 'src/testing/jest-setup.ts', out: 'testing/jest-setup', platform: 'node' },
].filter((e) => existsSync(at(e.in)))

/** Packages the published bundles load at run time instead of inlining (dependencies and optional peers). */
const external = ['mitt', 'ws', 'miniprogram-simulate', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]
const targets = { neutral: 'es2018', node: 'node18' }

for (const entry of entries) {
  const options = { ...common, entryPoints: [at(entry.in)], platform: entry.platform, target: targets[entry.platform], external }
  await build({ ...options, outfile: at('dist/cjs', `${entry.out}.js`), format: 'cjs' })
  // The testing kit requires `ws` and miniprogram-simulate on first use (under jest, through
  // jest's own require, so simulate sees the test's jsdom); its ESM build gets a `require`.
  const banner =
    entry.platform === 'node'
      ? { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" }
      : undefined
  await build({ ...options, outfile: at('dist/esm', `${entry.out}.js`), format: 'esm', ...(banner && { banner }) })
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

// Mini-program bundles: CommonJS, mitt inlined, ES2018. The socket entry leaves out the browser
// and Node adapters; its types are those of src/miniprogram.ts. Two things keep them small:
// - Private members are renamed (esbuild mangleProps): the names declared `private` in the
//   declarations tsc just wrote, less every word the public declarations use, so no option,
//   event field, frame field or platform API name can be touched.
// - esbuild writes ESM and its final `export { a as A }` becomes `module.exports = { A: a }`:
//   esbuild's own CommonJS output adds interop helpers that cost ~230 B gzip.
const mangleProps = privateNames(at('build/types'), (path) => !path.includes('/testing/'))
const miniprogramEntries = entries.filter((e) => e.miniprogram)
for (const entry of miniprogramEntries) {
  const outfile = at('miniprogram_dist', `${entry.out}.js`)
  const result = await build({
    ...common,
    sourcemap: false,
    platform: 'neutral',
    target: targets.neutral,
    entryPoints: [at(entry.miniprogram)],
    write: false,
    format: 'esm',
    minify: true,
    legalComments: 'none',
    mangleProps,
    metafile: true,
  })
  mkdirSync(dirname(outfile), { recursive: true })
  writeFileSync(outfile, esmToCommonJs(result.outputFiles[0].text))
  // Bytes per source module, for the bundle benchmark (bench/bundle-size.ts).
  const meta = at('build/bundle-meta', `${entry.out}.json`)
  mkdirSync(dirname(meta), { recursive: true })
  writeFileSync(meta, JSON.stringify(result.metafile))
}
cpSync(at('build/types'), at('miniprogram_dist'), {
  recursive: true,
  filter: (src) => !src.includes('/testing') && !src.includes('/socket.io-server'),
})
writeFileSync(at('miniprogram_dist/index.d.ts'), "export * from './miniprogram'\n")
// The Socket.IO client's mini-program file is built from src/socket.io/miniprogram.ts (no Node or browser adapter).
if (existsSync(at('miniprogram_dist/socket.io')))
  writeFileSync(at('miniprogram_dist/socket.io/index.d.ts'), "export * from './miniprogram'\n")

// The devtools project sees only miniprogram/: give it its own copy.
if (existsSync(at('miniprogram'))) {
  rmSync(at('miniprogram/lib'), { recursive: true, force: true })
  mkdirSync(at('miniprogram/lib'), { recursive: true })
  cpSync(at('miniprogram_dist'), at('miniprogram/lib'), { recursive: true })
}
console.log('built dist/, miniprogram_dist/ and miniprogram/lib/')

/** Names declared `private` in the .d.ts files under `dir` (those `include` accepts; the testing kit's are not in any bundle), minus every word of their public lines (comments aside), as one RegExp. */
function privateNames(dir, include = () => true) {
  const privates = new Set()
  const publicWords = new Set()
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.d.ts') && include(p)) {
        const text = readFileSync(p, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '')
        for (const line of text.split('\n')) {
          const m = /^\s*private (?:readonly )?(\w+)/.exec(line)
          if (m) privates.add(m[1])
          else for (const w of line.match(/\w+/g) ?? []) publicWords.add(w)
        }
      }
    }
  }
  walk(dir)
  // A name the platform's own objects have (Math.round, Date.now, …) is never renamed: mangleProps renames every `.name`.
  const builtins = [Math, JSON, Object, Number, String, Array, Promise, Date, globalThis].concat(
    [Object, Array, String, Number, Promise, Date, Map, Set, Function, Error, RegExp, ArrayBuffer].map((c) => c.prototype),
  )
  const builtin = (n) => builtins.some((o) => n in o)
  const names = [...privates].filter((n) => !publicWords.has(n) && !builtin(n)).sort()
  return new RegExp(`^(?:${names.join('|')})$`)
}

/** esbuild's minified ESM ends with one `export{a as A,b};`: turn it into `module.exports={A:a,b:b};`. */
function esmToCommonJs(code) {
  const m = /export\s*\{([^}]*)\};?\s*$/.exec(code)
  const rest = m ? code.slice(0, m.index).replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '') : ''
  if (!m || /\bimport\b|\bexport\b/.test(rest)) {
    throw new Error('esmToCommonJs: expected one export statement at the end of a bundle without imports')
  }
  const pairs = m[1].split(',').map((part) => {
    const [local, exported = local] = part.trim().split(/\s+as\s+/)
    return `${exported}:${local}`
  })
  return `"use strict";${code.slice(0, m.index)}module.exports={${pairs.join(',')}};\n`
}
