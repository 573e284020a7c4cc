/**
 * WeChat's own compilers on the project, as devtools runs them: `wcsc` (WXSS) and `wcc` (WXML),
 * the Linux binaries the `miniprogram-compiler` package ships. Every file alone (an error names
 * its file) and the whole project in one run. A compile error fails `npm test`; the broken
 * samples show that it would.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

// eslint-disable-next-line @typescript-eslint/no-require-imports
const wcsc = require('miniprogram-compiler/src/wcsc') as (root: string, files: string[]) => Record<string, string> | Error
// eslint-disable-next-line @typescript-eslint/no-require-imports
const wcc = require('miniprogram-compiler/src/wcc') as (root: string, files: string[], wxs: string[], options: object) => string

const ROOT = path.join(__dirname, '../../miniprogram')

function filesWith(ext: string, dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'lib' ? [] : filesWith(ext, full)
    return entry.name.endsWith(ext) ? [path.relative(ROOT, full).slice(0, -ext.length)] : []
  })
}

/** What wcsc says about `files` under `root`: '' when it compiled. */
function wxssProblem(root: string, files: string[]): string {
  const result = wcsc(root, files)
  return result instanceof Error ? result.message : ''
}

function wxmlProblem(root: string, files: string[]): string {
  try {
    const out = wcc(root, files, [], {})
    return typeof out === 'string' && out.includes('$gwx') ? '' : 'wcc produced no $gwx'
  } catch (err) {
    return (err as Error).message
  }
}

const onLinux = process.platform === 'linux' ? describe : describe.skip

onLinux("WeChat's wcsc and wcc", () => {
  const wxss = filesWith('.wxss')
  const wxml = filesWith('.wxml')

  it('compile every WXSS file, alone and all together', () => {
    expect(wxss.length).toBeGreaterThanOrEqual(6)
    expect(wxss.map((file) => [file, wxssProblem(ROOT, [file])])).toEqual(wxss.map((file) => [file, '']))
    expect(wxssProblem(ROOT, wxss)).toBe('')
  })

  it('compile every WXML file, alone and all together', () => {
    expect(wxml.length).toBeGreaterThanOrEqual(5)
    expect(wxml.map((file) => [file, wxmlProblem(ROOT, [file])])).toEqual(wxml.map((file) => [file, '']))
    expect(wxmlProblem(ROOT, wxml)).toBe('')
  })

  it('report a broken WXSS and a broken WXML (so a compile error would fail the suite)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wcc-'))
    try {
      fs.writeFileSync(path.join(dir, 'bad.wxss'), '.a { color: red; ')
      fs.writeFileSync(path.join(dir, 'bad.wxml'), '<view wx:if="{{a}}"><text>x</view>')
      expect(wxssProblem(dir, ['bad'])).not.toBe('')
      expect(wxmlProblem(dir, ['bad'])).not.toBe('')
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
