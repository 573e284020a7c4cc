/**
 * `npm run screenshots`, step 2: every page scripts/screenshots.ts wrote to build/screenshots/
 * (HTML + how to shoot it) in headless Debian Chromium (playwright-core, /usr/bin/chromium,
 * never a downloaded browser) at 375×667, device scale 2, as docs/screenshots/<name>.png.
 * Fails on an image that does not decode. `--in <dir> --out <dir>` to use other folders.
 */
import fs from 'node:fs'
import path from 'node:path'
import { launchChromium } from '../test/helpers/chromium'
import { SCREEN, type Shot } from '../test/helpers/screenshot'

function arg(name: string, fallback: string): string {
  const at = process.argv.indexOf(name)
  return at >= 0 && process.argv[at + 1] !== undefined ? path.resolve(process.argv[at + 1]!) : fallback
}

const root = path.join(__dirname, '../..')
const input = arg('--in', path.join(root, 'build/screenshots'))
const output = arg('--out', path.join(root, 'docs/screenshots'))

async function main(): Promise<void> {
  const shots = fs
    .readdirSync(input)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(fs.readFileSync(path.join(input, f), 'utf8')) as Shot)
  if (shots.length === 0) throw new Error(`no pages in ${input}: run scripts/screenshots.ts first (npm run screenshots)`)
  fs.mkdirSync(output, { recursive: true })
  const browser = await launchChromium({ viewport: { width: SCREEN.width, height: SCREEN.height }, deviceScaleFactor: 2 })
  try {
    for (const shot of shots) {
      const tab = await browser.context.newPage()
      try {
        await tab.emulateMedia({ colorScheme: shot.theme })
        await tab.setContent(fs.readFileSync(path.join(input, `${shot.name}.html`), 'utf8'), { waitUntil: 'load' })
        await tab.evaluate(async (list) => {
          await document.fonts.ready
          for (const img of Array.from(document.images)) {
            await img.decode()
            if (img.naturalWidth === 0) throw new Error(`a broken image: ${img.src.slice(0, 40)}`)
          }
          for (const el of Array.from(document.querySelectorAll<HTMLElement>('wx-scroll-view[data-scroll-y]'))) {
            // scroll-into-view as WeChat applies it (the element's top to the list's top, as far as the list scrolls), else the end.
            const into = el.dataset.scrollIntoView
            const target = into !== undefined && into !== '' ? document.getElementById(into) : null
            if (list === 'top') el.scrollTop = 0
            else if (target !== null) el.scrollTop += target.getBoundingClientRect().top - el.getBoundingClientRect().top
            else el.scrollTop = el.scrollHeight
          }
        }, shot.list)
        // The spinners are CSS animations: stop them, so a shot is the same each run.
        await tab.addStyleTag({ content: '*, *::before, *::after { animation: none !important; }' })
        const file = path.join(output, `${shot.name}.png`)
        await tab.screenshot({ path: file })
        console.log(`${path.relative(process.cwd(), file)}  ${fs.statSync(file).size} bytes`)
      } finally {
        await tab.close()
      }
    }
  } finally {
    await browser.close()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
