/**
 * Dark mode: app.json turns it on with theme.json, whose light and dark sets define every
 * `@variable` app.json uses; app.wxss defines every CSS variable the pages and components
 * read (`var(--x)`), for the light theme and in the dark media query, so no colour is left
 * to a default in either theme.
 */
import fs from 'node:fs'
import path from 'node:path'

const ROOT = path.join(__dirname, '../../miniprogram')
const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8')

function wxssFiles(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return e.name === 'lib' ? [] : wxssFiles(full)
    return e.name.endsWith('.wxss') ? [full] : []
  })
}

const defined = (css: string): string[] => [...css.matchAll(/(--[\w-]+)\s*:/g)].map((m) => m[1]!)

it('turns darkmode on with a theme.json that has every @variable of app.json in both themes', () => {
  const app = JSON.parse(read('app.json')) as { darkmode?: boolean; themeLocation?: string; window: Record<string, string> }
  expect(app.darkmode).toBe(true)
  const theme = JSON.parse(read(app.themeLocation ?? 'theme.json')) as Record<'light' | 'dark', Record<string, string>>
  const used = Object.values(app.window)
    .filter((v) => v.startsWith('@'))
    .map((v) => v.slice(1))
  expect(used.length).toBeGreaterThanOrEqual(4)
  for (const mode of ['light', 'dark'] as const) expect(Object.keys(theme[mode]).sort()).toEqual(expect.arrayContaining(used))
  expect(theme.dark.navTextStyle).toBe('white')
})

it('defines every CSS variable the WXSS reads, in the light theme and in the dark one', () => {
  const appWxss = read('app.wxss')
  const darkStart = appWxss.indexOf('@media (prefers-color-scheme: dark)')
  expect(darkStart).toBeGreaterThan(0)
  const light = new Set(defined(appWxss.slice(0, darkStart)))
  const dark = new Set(defined(appWxss.slice(darkStart)))
  const read_ = new Set(wxssFiles().flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/var\((--[\w-]+)\)/g)].map((m) => m[1]!)))
  expect(read_.size).toBeGreaterThanOrEqual(8)
  expect([...read_].filter((v) => !light.has(v))).toEqual([])
  expect([...read_].filter((v) => !dark.has(v))).toEqual([])
})
