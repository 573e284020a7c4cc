import http, { type IncomingHttpHeaders } from 'node:http'
import https from 'node:https'

export interface HttpResult {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/**
 * Plain HTTP(S) over Node's modules: the test `wx.request` runs where `fetch` is missing (the
 * jsdom environment miniprogram-simulate tests run in has none).
 */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<HttpResult> {
  const client = url.startsWith('https:') ? https : http
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(options.body)
  })
}
