/**
 * What the reference server holds per idle connection, object by object: a heap snapshot of
 * the server before and after opening N authenticated sockets (and the same for the bare `ws`
 * echo server), the two diffed by constructor name, divided by N. A row with ~1.00 objects
 * per connection is something every socket keeps; its bytes are the V8 self sizes (shallow).
 * This is the tool behind the memory work of issue 15; `npm run bench:server` gives the
 * totals (RSS and heap per connection) with the ratio.
 *
 *   node scripts/run-ts.mjs bench/server-heap.ts [--connections 2000] [--top 40]
 */
import fs from 'node:fs'
import type WebSocket from 'ws'
import { arg, table } from './lib/report'
import { loginCustomers, openSocket, pool, runChildIfAsked, startChild, type ChildKind } from './lib/server-processes'

const CONNECTIONS = arg('connections', 2000)
const TOP = arg('top', 40)

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
  nodes: number[]
  strings: string[]
}

/** Count and self size per "type:name" of a .heapsnapshot file. */
function summarise(file: string): Map<string, { count: number; bytes: number }> {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot
  fs.rmSync(file)
  const fields = snap.snapshot.meta.node_fields
  const types = snap.snapshot.meta.node_types[0]
  const width = fields.length
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number]
  const out = new Map<string, { count: number; bytes: number }>()
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + typeAt]!]!
    // Strings and numbers by type only: their names are their contents.
    const name = type === 'object' || type === 'closure' || type === 'native' ? snap.strings[snap.nodes[i + nameAt]!] : ''
    const key = `${type}${name ? `: ${name}` : ''}`
    const entry = out.get(key) ?? { count: 0, bytes: 0 }
    entry.count++
    entry.bytes += snap.nodes[i + sizeAt]!
    out.set(key, entry)
  }
  return out
}

async function diff(kind: ChildKind): Promise<{ rows: Array<[string, number, number]>; total: number }> {
  const server = await startChild(kind)
  const tokens = kind === 'chat' ? await loginCustomers(server, CONNECTIONS) : []
  const url = kind === 'chat' ? server.wsUrl : server.url.replace('http', 'ws')
  // One socket opened and closed first, so lazily built things (routes, caches) are in both snapshots.
  const warm = await openSocket(url, tokens[0])
  warm.terminate()
  await new Promise((r) => setTimeout(r, 200))
  const before = summarise(await server.heapSnapshot())
  const { results: sockets } = await pool<WebSocket>(CONNECTIONS, 200, (i) => openSocket(url, tokens[i]))
  const after = summarise(await server.heapSnapshot())
  for (const ws of sockets) ws.terminate()
  await server.stop()
  const rows: Array<[string, number, number]> = []
  let total = 0
  for (const [key, a] of after) {
    const b = before.get(key) ?? { count: 0, bytes: 0 }
    const bytes = (a.bytes - b.bytes) / sockets.length
    total += bytes
    rows.push([key, (a.count - b.count) / sockets.length, bytes])
  }
  rows.sort((x, y) => y[2] - x[2])
  return { rows, total }
}

async function main(): Promise<void> {
  for (const kind of ['echo', 'chat'] as const) {
    const { rows, total } = await diff(kind)
    console.log(
      `\n${kind === 'echo' ? 'bare ws echo server' : 'reference server'}: ${CONNECTIONS} idle connections, heap snapshot diff, ${total.toFixed(0)} B per connection in all\n`,
    )
    table(
      ['type: constructor', 'objects / connection', 'bytes / connection'],
      rows.slice(0, TOP).map(([key, count, bytes]) => [key, count.toFixed(2), bytes.toFixed(0)]),
    )
  }
}

if (!runChildIfAsked()) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
