/**
 * Plain HTTP for tests: `httpRequest` is the library's own (src/testing/http.ts, also what the
 * `wx.request` test double runs on); `postJson` adds the JSON round trip tests log in with.
 */
import { httpRequest } from '../../src/testing/http'

export { httpRequest } from '../../src/testing/http'
export type { HttpResult } from '../../src/testing/http'

/** POST a JSON body; resolves with the status and the parsed answer (null when empty). */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: res.text === '' ? null : JSON.parse(res.text) }
}
