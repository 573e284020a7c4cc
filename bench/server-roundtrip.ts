/**
 * Customer → agent latency through the reference server at a fixed message rate, against a
 * bare `ws` echo server measured in the same run. Servers run in child processes; all
 * clients run here, so every time is read from one clock.
 *
 * - one hop: customer sends → agent receives the push (server: auth'd routing, SQLite commit,
 *   ack, push). Baseline: a client sends → the echo comes back (client → server → client).
 * - round trip: the agent replies at once → the customer receives the reply (two hops).
 *   Baseline: the echo is sent again at once → the second echo comes back.
 * Messages are 100 characters of text, sent open-loop on a fixed schedule spread over the customers.
 * The reference server runs twice, with group commit (the default) and with a commit per
 * message (sqliteGroupCommit: false), at the rate of the figure and at a heavier one;
 * rounds of the three servers interleave, samples are pooled per path.
 *
 *   npm run bench:server        (or: node scripts/run-ts.mjs bench/server-roundtrip.ts)
 *   options: --rate 200 (messages/s) --seconds 4 --rounds 3 --load-rate 600 --load-seconds 3 --customers 20
 */
import { chatRun, drained, now, schedule, TEXT, type Samples } from './lib/chat-latency'
import { arg, percentile, ratio, roundRobin, table } from './lib/report'
import { record } from './lib/results'
import { openSocket, runChildIfAsked, startChild, type ChildServer } from './lib/server-processes'

const RATE = arg('rate', 200)
const SECONDS = arg('seconds', 4)
const ROUNDS = arg('rounds', 3)
/** A second, heavier rate for the group-commit comparison (0: skip). */
const LOAD_RATE = arg('load-rate', 600)
const LOAD_SECONDS = arg('load-seconds', 3)
const CUSTOMERS = arg('customers', 20)
const WARMUP_SECONDS = 1

async function echoRun(server: ChildServer, rate: number, total: number, warmup: number, tag: string): Promise<Samples> {
  const url = server.url.replace('http', 'ws')
  const clients = await Promise.all(Array.from({ length: CUSTOMERS }, () => openSocket(url)))
  const sentAt = new Map<string, number>()
  const samples: Samples = { oneHop: [], roundTrip: [] }
  let finished = 0
  for (const ws of clients) {
    ws.on('message', (data: Buffer) => {
      const t = now()
      const frame = JSON.parse(data.toString()) as { id: string; hop: number; i: number }
      const t0 = sentAt.get(frame.id)!
      if (frame.hop === 1) {
        if (frame.i >= warmup) samples.oneHop.push(t - t0)
        ws.send(JSON.stringify({ ...frame, hop: 2 }))
      } else {
        if (frame.i >= warmup) samples.roundTrip.push(t - t0)
        finished++
      }
    })
  }
  await schedule(rate, total, (i) => {
    const id = `${tag}e${i}`
    sentAt.set(id, now())
    roundRobin(clients, i).send(JSON.stringify({ type: 'message', id, i, hop: 1, kind: 'text', text: TEXT }))
  })
  await drained(() => finished === total)
  for (const ws of clients) ws.terminate()
  return samples
}

type Path = 'echo' | 'group' | 'single'
const PATHS: Path[] = ['echo', 'group', 'single']

/** Rounds of every path in turn (the order rotates each round), samples pooled per path: machine noise hits all alike. */
async function rounds(
  servers: Record<Path, ChildServer>,
  rate: number,
  seconds: number,
  n: number,
  name: string,
): Promise<Record<Path, Samples>> {
  const total = Math.round(rate * (seconds + WARMUP_SECONDS))
  const warmup = Math.round(rate * WARMUP_SECONDS)
  const pooled = Object.fromEntries(PATHS.map((p) => [p, { oneHop: [], roundTrip: [] }])) as unknown as Record<Path, Samples>
  for (let round = 0; round < n; round++) {
    for (const path of [...PATHS.slice(round % 3), ...PATHS.slice(0, round % 3)]) {
      const tag = `${name}${round}-`
      const s =
        path === 'echo'
          ? await echoRun(servers.echo, rate, total, warmup, tag)
          : await chatRun(servers[path], rate, total, warmup, tag, CUSTOMERS)
      pooled[path].oneHop.push(...s.oneHop)
      pooled[path].roundTrip.push(...s.roundTrip)
    }
  }
  return pooled
}

async function main(): Promise<void> {
  console.log(
    `Latency at ${RATE} messages/s, ${ROUNDS} interleaved rounds of ${SECONDS} s (after ${WARMUP_SECONDS} s warm-up each), ${CUSTOMERS} customers → 1 agent, 100-character text.` +
      `\nThe reference server twice: with group commit (the default: one SQLite COMMIT per event-loop turn, acks after it) and with a commit per message.`,
  )
  const servers: Record<Path, ChildServer> = {
    echo: await startChild('echo'),
    group: await startChild('chat', { BENCH_GROUP_COMMIT: '1' }),
    single: await startChild('chat', { BENCH_GROUP_COMMIT: '0' }),
  }
  const at = await rounds(servers, RATE, SECONDS, ROUNDS, 'a')
  const loaded = LOAD_RATE > 0 ? await rounds(servers, LOAD_RATE, LOAD_SECONDS, ROUNDS, 'l') : undefined
  for (const server of Object.values(servers)) await server.stop()

  const ms = (v: number) => `${v.toFixed(2)} ms`
  const p = percentile
  const row = (name: string, s: number[], base: number[]) => [
    name,
    s.length,
    ms(p(s, 50)),
    ms(p(s, 99)),
    ratio(p(s, 50), p(base, 50)),
    ratio(p(s, 99), p(base, 99)),
  ]
  const print = (r: Record<Path, Samples>, rate: number) => {
    console.log(`\n${rate} messages/s\n`)
    table(
      ['path', 'samples', 'p50', 'p99', 'p50 × bare ws', 'p99 × bare ws'],
      [
        row('bare ws echo, one hop', r.echo.oneHop, r.echo.oneHop),
        row('customer → agent (one hop), group commit', r.group.oneHop, r.echo.oneHop),
        row('customer → agent (one hop), commit per message', r.single.oneHop, r.echo.oneHop),
        row('bare ws echo, two hops', r.echo.roundTrip, r.echo.roundTrip),
        row('customer → agent → customer, group commit', r.group.roundTrip, r.echo.roundTrip),
        row('customer → agent → customer, commit per message', r.single.roundTrip, r.echo.roundTrip),
      ],
    )
  }
  print(at, RATE)
  if (loaded) print(loaded, LOAD_RATE)
  const stats = (s: Samples) => ({
    oneHop: { samples: s.oneHop.length, p50: p(s.oneHop, 50), p99: p(s.oneHop, 99) },
    roundTrip: { samples: s.roundTrip.length, p50: p(s.roundTrip, 50), p99: p(s.roundTrip, 99) },
  })
  record('latency', {
    rate: RATE,
    seconds: SECONDS,
    rounds: ROUNDS,
    customers: CUSTOMERS,
    echo: stats(at.echo),
    chat: stats(at.group),
    commitPerMessage: stats(at.single),
    ...(loaded
      ? { loadRate: LOAD_RATE, loaded: { echo: stats(loaded.echo), chat: stats(loaded.group), commitPerMessage: stats(loaded.single) } }
      : {}),
  })
}

if (!runChildIfAsked()) {
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
