/** The HTTP calls the console makes: agent login, the token check and image upload (same origin as the page). */
import type { AgentAuth } from './auth-store'

/**
 * A failed call; `code` is the server's error code (UNAUTHORIZED, TOO_LARGE, ...), NETWORK,
 * or ABORTED (the caller's signal). `retryAfter`: seconds the server asked to wait (a 429's
 * `Retry-After`), when it said.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly retryAfter: number | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>

/** `POST /api/agent/login {username, password}` → the token, its expiry and the agent. `signal` abandons it (ApiError ABORTED). */
export async function login(fetchFn: FetchFn, username: string, password: string, signal?: AbortSignal): Promise<AgentAuth> {
  const body = await call(fetchFn, '/api/agent/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    ...(signal !== undefined && { signal }),
  })
  const { token, expiresAt, user } = body as { token?: unknown; expiresAt?: unknown; user?: Record<string, unknown> }
  if (
    typeof token !== 'string' ||
    typeof user !== 'object' ||
    user === null ||
    typeof user.id !== 'string' ||
    typeof user.name !== 'string'
  ) {
    throw new ApiError('BAD_RESPONSE', 'the login reply carries no token', 200)
  }
  return { token, expiresAt: typeof expiresAt === 'number' ? expiresAt : 0, user: { id: user.id, role: 'agent', name: user.name } }
}

/** `GET /api/me` with the token → whom it belongs to and when it expires; ApiError UNAUTHORIZED (401) when refused. */
export async function me(fetchFn: FetchFn, token: string): Promise<{ user: AgentAuth['user']; expiresAt: number }> {
  const body = await call(fetchFn, '/api/me', { method: 'GET', headers: { authorization: `Bearer ${token}` }, cache: 'no-store' })
  const { user, expiresAt } = body as { user?: Record<string, unknown>; expiresAt?: unknown }
  if (
    typeof user !== 'object' ||
    user === null ||
    typeof user.id !== 'string' ||
    typeof user.name !== 'string' ||
    typeof expiresAt !== 'number'
  ) {
    throw new ApiError('BAD_RESPONSE', 'the /api/me reply carries no user', 200)
  }
  return { user: { id: user.id, role: 'agent', name: user.name }, expiresAt }
}

/** Whether the server refuses the token: only a 401 from `GET /api/me` says so (a network failure or a 5xx says nothing). */
export async function tokenRefused(fetchFn: FetchFn, token: string): Promise<boolean> {
  try {
    await me(fetchFn, token)
    return false
  } catch (err) {
    return err instanceof ApiError && err.status === 401
  }
}

/** `POST /api/upload` (multipart, one file) → the `/uploads/...` path to put in an image message. */
export async function uploadImage(fetchFn: FetchFn, token: string, file: Blob): Promise<{ url: string }> {
  const form = new FormData()
  form.append('file', file, file instanceof File ? file.name : 'image')
  const body = await call(fetchFn, '/api/upload', { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
  const url = (body as { url?: unknown }).url
  if (typeof url !== 'string') throw new ApiError('BAD_RESPONSE', 'the upload reply carries no url', 201)
  return { url }
}

async function call(fetchFn: FetchFn, path: string, init: RequestInit): Promise<unknown> {
  let res: Response
  try {
    res = await fetchFn(path, init)
  } catch (err) {
    if (init.signal?.aborted === true) throw new ApiError('ABORTED', 'the request was abandoned', 0)
    throw new ApiError('NETWORK', err instanceof Error ? err.message : String(err), 0)
  }
  let body: unknown = null
  try {
    body = await res.json()
  } catch {
    // An empty or non-JSON body: judged by the status below.
  }
  if (init.signal?.aborted === true) throw new ApiError('ABORTED', 'the request was abandoned', 0)
  if (!res.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error
    const code = typeof error?.code === 'string' ? error.code : res.status === 401 ? 'UNAUTHORIZED' : 'INTERNAL'
    throw new ApiError(code, typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`, res.status, retryAfter(res))
  }
  return body
}

/** A `Retry-After` in seconds (RFC 9110: delay-seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfter(res: Response, now = Date.now()): number | null {
  const value = res.headers.get('retry-after')?.trim()
  if (value === undefined || value === '') return null
  if (/^\d+$/.test(value)) return Number(value)
  if (!/GMT$/i.test(value)) return null // an HTTP date ends in GMT; Date.parse would take '-3' as a year
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000))
}
