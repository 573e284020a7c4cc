/** Small helpers shared by the benchmarks: arguments, statistics and a plain-text table. */

/** `--name value` from the command line, else the default. */
export function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`)
  const value = i >= 0 ? Number(process.argv[i + 1]) : NaN
  return Number.isFinite(value) ? value : fallback
}

export function median(values: number[]): number {
  return percentile(values, 50)
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? NaN
}

/** `list[i % list.length]`: work dealt round-robin. */
export function roundRobin<T>(list: readonly T[], i: number): T {
  const item = list[i % list.length]
  if (item === undefined) throw new RangeError(`roundRobin: no item ${i % list.length} in a list of ${list.length}`)
  return item
}

export function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}×`
}

/** Prints a Markdown table (so figures paste straight into the README). */
export function table(header: string[], rows: Array<Array<string | number>>): void {
  const cells = [header, ...rows.map((r) => r.map(String))]
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)))
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`
  console.log(line(header))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const r of cells.slice(1)) console.log(line(r))
}
