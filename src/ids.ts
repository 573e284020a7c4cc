/**
 * Ids unique across sockets and app restarts: a random prefix per generator and a counter.
 * The server deduplicates by id per conversation, so a restarted app must not reuse old ids.
 */
export function createIdGenerator(random: () => number, now: () => number): () => string {
  const prefix = now().toString(36) + Math.floor(random() * 2 ** 32).toString(36)
  let counter = 0
  return () => `${prefix}-${(++counter).toString(36)}`
}
