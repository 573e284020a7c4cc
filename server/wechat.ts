import type { FetchLike } from './config'
import { ChatError } from './errors'

export interface WechatCredentials {
  appId: string
  secret: string
}

export interface WechatSession {
  openid: string
  unionid?: string
}

export const JSCODE2SESSION_URL = 'https://api.weixin.qq.com/sns/jscode2session'

/**
 * Exchanges a `wx.login()` code for the user's openid
 * (https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/user-login/code2Session.html).
 * WeChat refusing the code is UNAUTHORIZED; WeChat being unreachable or odd is UPSTREAM.
 * The session_key is not kept: this server has no use for it.
 */
export async function jscode2session(
  code: string,
  credentials: WechatCredentials,
  fetchImpl: FetchLike,
  timeoutMs = 5000,
): Promise<WechatSession> {
  const query = new URLSearchParams({
    appid: credentials.appId,
    secret: credentials.secret,
    js_code: code,
    grant_type: 'authorization_code',
  })
  let body: unknown
  try {
    const res = await fetchImpl(`${JSCODE2SESSION_URL}?${query.toString()}`, { signal: AbortSignal.timeout(timeoutMs) })
    if (!res.ok) throw new ChatError('UPSTREAM', `jscode2session answered HTTP ${res.status}`)
    body = await res.json()
  } catch (err) {
    if (err instanceof ChatError) throw err
    throw new ChatError('UPSTREAM', `jscode2session failed: ${(err as Error).message}`)
  }
  if (typeof body !== 'object' || body === null) throw new ChatError('UPSTREAM', 'jscode2session answered something that is not an object')
  const b = body as Record<string, unknown>
  if (typeof b.errcode === 'number' && b.errcode !== 0) {
    // -1: WeChat busy; everything else (40029 invalid code, 40163 code used, 45011 too frequent, ...) is about the code.
    const message = `WeChat rejected the code (${b.errcode}: ${typeof b.errmsg === 'string' ? b.errmsg : 'no message'})`
    throw new ChatError(b.errcode === -1 ? 'UPSTREAM' : 'UNAUTHORIZED', message)
  }
  if (typeof b.openid !== 'string' || b.openid === '') throw new ChatError('UPSTREAM', 'jscode2session answered without an openid')
  return { openid: b.openid, ...(typeof b.unionid === 'string' ? { unionid: b.unionid } : {}) }
}
