/**
 * Size of the mini-program bundle as shipped (miniprogram_dist/index.js, built by
 * scripts/build.mjs: ES2018, minified, private members renamed, mitt inside), its bytes per
 * source module (esbuild metafile), and the socket clients people reach for instead, bundled
 * in the same run with esbuild --bundle --minify (ESM, ES2018) and gzip -9. Our entry is also
 * bundled that same plain way, so the peers are compared like for like.
 *
 *   npm run bench:socket        (or: node scripts/build.mjs && node scripts/run-ts.mjs bench/bundle-size.ts)
 */
import { build } from 'esbuild'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { ratio, table } from './lib/report'
import { record } from './lib/results'

const root = join(__dirname, '../..')
const gzip = (code: Uint8Array | string): number => gzipSync(code, { level: 9 }).length
const TARGET = 'es2018'

const peers: Array<[string, string]> = [
  [
    'miniprogram-chat-socket, plain esbuild (mini-program entry, mitt inside)',
    `export * from ${JSON.stringify(join(root, 'src/miniprogram.ts'))}`,
  ],
  [
    'miniprogram-chat-socket + src/chat (the pages’ chat logic), plain esbuild',
    `export * from ${JSON.stringify(join(root, 'src/miniprogram.ts'))}\nexport * from ${JSON.stringify(join(root, 'src/chat/index.ts'))}`,
  ],
  ['reconnecting-websocket', `export { default } from 'reconnecting-websocket'`],
  ['partysocket/ws', `export { default } from 'partysocket/ws'`],
  ['phoenix (Socket)', `export { Socket } from 'phoenix'`],
  ['socket.io-client (io)', `export { io } from 'socket.io-client'`],
]

async function size(contents: string): Promise<{ min: number; gzip: number }> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: TARGET,
    write: false,
    legalComments: 'none',
    logLevel: 'error',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  return { min: code.length, gzip: gzip(code) }
}

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>
}

async function main(): Promise<void> {
  const shipped = readFileSync(join(root, 'miniprogram_dist/index.js'))
  const shippedGzip = gzip(shipped)
  const shippedChat = readFileSync(join(root, 'miniprogram_dist/chat/index.js'))
  const limits = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { 'size-limit'?: Array<{ path: string; limit: string }> }
  )['size-limit']

  console.log('\nThe shipped mini-program bundle (scripts/build.mjs: ES2018, minified, private members renamed), gzip -9\n')
  table(
    ['file', 'min bytes', 'min+gzip bytes'],
    [
      ['miniprogram_dist/index.js (ChatSocket, the wx entry)', shipped.length.toLocaleString('en'), shippedGzip.toLocaleString('en')],
      ['miniprogram_dist/chat/index.js (the chat logic)', shippedChat.length.toLocaleString('en'), gzip(shippedChat).toLocaleString('en')],
    ],
  )

  // Gzip is not additive: a module's share of the gzip bytes is its share of the minified bytes.
  const meta = JSON.parse(readFileSync(join(root, 'build/bundle-meta/index.json'), 'utf8')) as Metafile
  const inputs = Object.entries(Object.values(meta.outputs)[0]?.inputs ?? {}).filter(([, v]) => v.bytesInOutput > 0)
  const total = inputs.reduce((n, [, v]) => n + v.bytesInOutput, 0)
  console.log(
    `\nminiprogram_dist/index.js by source module (esbuild metafile; gzip share = share of the minified bytes × ${shippedGzip} B)\n`,
  )
  table(
    ['module', 'min bytes', 'share', '≈ gzip bytes'],
    inputs
      .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
      .map(([file, v]) => [
        file.replace(/^node_modules\/(\w+)\/.*/, '$1 (npm)'),
        v.bytesInOutput.toLocaleString('en'),
        `${((100 * v.bytesInOutput) / total).toFixed(1)}%`,
        Math.round((shippedGzip * v.bytesInOutput) / total).toLocaleString('en'),
      ]),
  )

  const rows: Array<[string, { min: number; gzip: number }]> = []
  for (const [name, contents] of peers) rows.push([name, await size(contents)])
  console.log(`\nPeers: esbuild --bundle --minify (ESM, ${TARGET}), gzip -9, same run\n`)
  table(
    ['bundle', 'min bytes', 'min+gzip bytes', 'gzip × shipped'],
    rows.map(([name, s]) => [name, s.min.toLocaleString('en'), s.gzip.toLocaleString('en'), ratio(s.gzip, shippedGzip)]),
  )
  for (const l of limits ?? [])
    console.log(`size-limit budget (package.json, brotli, checked by npm run lint:package): ${l.path} ${l.limit}`)
  record('bundle', {
    shippedGzip,
    shippedMin: shipped.length,
    chatGzip: gzip(shippedChat),
    modules: Object.fromEntries(inputs.map(([file, v]) => [file, v.bytesInOutput])),
    peers: Object.fromEntries(rows),
  })
}

void main()
