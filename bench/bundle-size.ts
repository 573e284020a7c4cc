/**
 * Size of the mini-program bundle, minified and minified+gzip (esbuild, gzip -9), next to
 * the socket clients people reach for instead, bundled the same way in the same run.
 *
 *   node scripts/run-ts.mjs bench/bundle-size.ts
 */
import { build } from 'esbuild'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { ratio, table } from './lib/report'

const root = join(__dirname, '../..')

const subjects: Array<[string, string]> = [
  ['miniprogram-chat-socket (mini-program entry, mitt inside)', `export * from ${JSON.stringify(join(root, 'src/miniprogram.ts'))}`],
  [
    'miniprogram-chat-socket + src/chat (the pages’ chat logic)',
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
    target: 'es2017',
    write: false,
    legalComments: 'none',
    logLevel: 'error',
  })
  const code = result.outputFiles[0]?.contents ?? new Uint8Array()
  return { min: code.length, gzip: gzipSync(code, { level: 9 }).length }
}

async function main(): Promise<void> {
  const rows: Array<[string, { min: number; gzip: number }]> = []
  for (const [name, contents] of subjects) rows.push([name, await size(contents)])
  const ours = rows[0]?.[1].gzip ?? NaN
  console.log('\nBundle size: esbuild --bundle --minify (ESM, es2017), gzip -9\n')
  table(
    ['bundle', 'min bytes', 'min+gzip bytes', 'gzip × ours'],
    rows.map(([name, s]) => [name, s.min.toLocaleString('en'), s.gzip.toLocaleString('en'), ratio(s.gzip, ours)]),
  )
}

void main()
