/**
 * Headless Chromium from the system (Debian's `chromium` package), driven by playwright-core.
 * No browser is ever downloaded: `CHROMIUM_PATH` or /usr/bin/chromium must exist.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
]

export interface Browser {
  context: BrowserContext
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>
}

export interface LaunchOptions {
  /** Default 1440×900. */
  viewport?: { width: number; height: number }
  /** Default 1. */
  deviceScaleFactor?: number
}

/** A fresh browser with its own temp profile (`--user-data-dir`), 1440×900 unless told, zh-CN. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`)
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-chromium-'))
  try {
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      viewport: options.viewport ?? { width: 1440, height: 900 },
      deviceScaleFactor: options.deviceScaleFactor ?? 1,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    })
    return {
      context,
      close: async () => {
        await context.close()
        fs.rmSync(userDataDir, { recursive: true, force: true })
      },
    }
  } catch (err) {
    fs.rmSync(userDataDir, { recursive: true, force: true })
    throw err
  }
}
