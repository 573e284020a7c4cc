/**
 * Makes message ids for optimistic sends: a per-generator random prefix and a counter, so
 * ids stay unique across app restarts (the server deduplicates by id per conversation).
 */
export function createLocalIdGenerator(random: () => number = Math.random, now: () => number = Date.now): () => string {
  const prefix =
    now().toString(36) +
    Math.floor(random() * 36 ** 6)
      .toString(36)
      .padStart(6, '0')
  let counter = 0
  return () => `${prefix}-${++counter}`
}
