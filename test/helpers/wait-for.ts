/**
 * Waits until `predicate` holds, checking every few ms, and fails with `what` after `ms`.
 * For conditions that follow events the test cannot hook directly (a page's setData, a
 * server push); never used to wait a fixed time.
 */
export async function waitFor(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}
