/**
 * The console's login page in Chromium: a second Enter while a login is pending, and the
 * failed-login limit (HTTP 429 with Retry-After) shown as a countdown.
 */
import type { Page } from 'playwright-core'
import { openBench, PASSWORD, type Bench } from '../helpers/e2e-console'

jest.setTimeout(60_000)

let bench: Bench
let page: Page

beforeAll(async () => {
  // One failed login empties the bucket; a token comes back every 2 s.
  bench = await openBench({ loginRateLimit: { rate: 0.5, burst: 1 } })
  page = await bench.newPage()
})

afterAll(() => bench?.close())

describe('the login page', () => {
  it('takes Enter while a login is pending: the corrected password logs in', async () => {
    await page.goto(`${bench.base()}/agent/`)
    // The first request is held until the agent has corrected the password and pressed Enter again.
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    let requests = 0
    await page.route('**/api/agent/login', async (route) => {
      requests++
      if (requests === 1) await held
      await route.continue().catch(() => undefined) // the console may have given up on it meanwhile
    })
    try {
      await page.fill('#login-username', 'demo')
      await page.fill('#login-password', 'a-typo-in-the-password')
      await page.press('#login-password', 'Enter')
      await page.locator('.login-card button[type=submit]').filter({ hasText: '登录中…' }).waitFor()
      await page.fill('#login-password', PASSWORD)
      const second = page.waitForRequest('**/api/agent/login', { timeout: 5000 })
      await page.press('#login-password', 'Enter')
      await second
    } finally {
      release()
    }
    await page.locator('.me-presence[data-online="yes"]').waitFor()
    expect(requests).toBe(2)
    await page.unroute('**/api/agent/login')
    await page.click('[data-action="logout"]')
    await page.locator('.login-page').waitFor()
  })

  it('after too many failed logins, says when to retry and counts down (Retry-After)', async () => {
    await page.goto(`${bench.base()}/agent/`)
    await page.locator('.login-page').waitFor()
    // A failure of the first test may still be in the bucket (a token every 2 s): fail until one counts.
    await page.fill('#login-username', 'demo')
    await page.fill('#login-password', 'wrong-password')
    const failed = async (): Promise<number> => {
      const res = page.waitForResponse('**/api/agent/login')
      await page.press('#login-password', 'Enter')
      const status = (await res).status()
      // The response reached the browser; wait until the page has taken it in (its login no longer
      // pending): an Enter before that is the same login still on its way, and sends nothing.
      await page.locator('.login-card button[type=submit]').filter({ hasNotText: '登录中…' }).waitFor()
      return status
    }
    let status = await failed()
    while (status === 429) {
      await page.locator('.login-card button[type=submit]:enabled').waitFor()
      status = await failed()
    }
    expect(status).toBe(401)
    await page.locator('.login-error').filter({ hasText: '用户名或密码错误' }).waitFor()

    // The bucket is empty: even the right password is refused for now, and the page says for how long.
    await page.fill('#login-password', PASSWORD)
    const limited = page.waitForResponse('**/api/agent/login')
    await page.press('#login-password', 'Enter')
    const res = await limited
    expect(res.status()).toBe(429)
    expect(Number(res.headers()['retry-after'])).toBeGreaterThanOrEqual(1)
    const error = page.locator('.login-error')
    await error.filter({ hasText: /操作过于频繁，请 \d+ 秒后再试/ }).waitFor()
    const button = page.locator('.login-card button[type=submit]')
    expect(await button.isDisabled()).toBe(true)
    expect(await button.textContent()).toMatch(/^\d+ 秒后可重试$/)

    // When the countdown ends, the same password goes through.
    await page.locator('.login-card button[type=submit]:enabled').waitFor({ timeout: 10_000 })
    expect(await button.textContent()).toBe('登录')
    await page.press('#login-password', 'Enter')
    await page.locator('.me-presence[data-online="yes"]').waitFor()
  })

  it('threw nothing and opened no dialog', () => {
    expect(bench.pageErrors).toEqual([])
    expect(bench.dialogs).toEqual([])
  })
})
