/**
 * The whole project compiled offline by WeChat's `miniprogram-ci` (`getCompiledResult`, the compile
 * step of an upload), with the project.config.json settings that matter (es6, minifyWXML,
 * minifyWXSS). Every page in app.json and every component in a usingComponents must come out, and a
 * broken WXML must fail the compile (so a compile error fails `npm test`).
 *
 * Offline: miniprogram-ci's compile reads the project's attributes from WeChat's servers
 * (`getProjectAttr(privateKey, appid)`), but `CIProject.attr()` returns `this._project.attr()`
 * instead when the project object has an `attr` function. So each project gets
 * `attr = async () => ({ ...DefaultProjectAttr })`, miniprogram-ci's own defaults (an ordinary,
 * unreleased mini-program, as a tourist appid gets). The Project constructor insists on a private
 * key file; a throwaway RSA key is generated into the temp dir (nothing is ever signed or
 * uploaded). The white-list request miniprogram-ci makes fails offline and it falls back to its
 * built-in list, logging an error line; that is expected.
 */
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

interface CiProject {
  attr: () => Promise<unknown>
}
interface MiniprogramCi {
  Project: new (options: { appid: string; type: string; projectPath: string; privateKeyPath: string; ignores?: string[] }) => CiProject
  DefaultProjectAttr: Record<string, unknown>
  getCompiledResult: (options: { project: CiProject; setting?: object; threads?: number }) => Promise<Record<string, string | Buffer>>
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ci = require('miniprogram-ci') as MiniprogramCi

const REPO = path.join(__dirname, '../..')
const APP = path.join(REPO, 'miniprogram')

let work: string

/** A copy of the project (project.config.json + miniprogram/, bundles included) under `work`. */
function copyProject(name: string): string {
  const dir = path.join(work, name)
  fs.mkdirSync(dir)
  fs.copyFileSync(path.join(REPO, 'project.config.json'), path.join(dir, 'project.config.json'))
  fs.cpSync(APP, path.join(dir, 'miniprogram'), { recursive: true })
  return dir
}

function compile(projectPath: string): Promise<Record<string, string | Buffer>> {
  const project = new ci.Project({ appid: 'touristappid', type: 'miniProgram', projectPath, privateKeyPath: path.join(work, 'key.pem') })
  // Locally supplied attributes instead of WeChat's servers (see the header comment).
  project.attr = async () => ({ ...ci.DefaultProjectAttr })
  const setting = JSON.parse(fs.readFileSync(path.join(projectPath, 'project.config.json'), 'utf8')).setting as Record<string, boolean>
  return ci.getCompiledResult({
    project,
    setting: { es6: setting.es6, minifyWXML: setting.minifyWXML, minifyWXSS: setting.minifyWXSS },
    threads: 0,
  })
}

/** Pages from app.json and every component reached through usingComponents, as root-relative paths. */
function pagesAndComponents(): string[] {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const json = JSON.parse(fs.readFileSync(path.join(APP, `${file}.json`), 'utf8')) as { usingComponents?: Record<string, string> }
    for (const ref of Object.values(json.usingComponents ?? {})) {
      visit(ref.startsWith('/') ? ref.slice(1) : path.posix.join(path.posix.dirname(file), ref))
    }
  }
  const app = JSON.parse(fs.readFileSync(path.join(APP, 'app.json'), 'utf8')) as { pages: string[] }
  app.pages.forEach(visit)
  return [...seen].sort()
}

beforeAll(() => {
  // Pages import the bundles in miniprogram/lib/ (git-ignored): build them from the current sources.
  execFileSync(process.execPath, [path.join(REPO, 'scripts/build.mjs')], { cwd: REPO, stdio: 'ignore' })
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'miniprogram-ci-'))
  const { privateKey } = crypto.generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  })
  fs.writeFileSync(path.join(work, 'key.pem'), privateKey)
})

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true })
})

describe('miniprogram-ci compile (offline)', () => {
  it('compiles every page and component listed in app.json and usingComponents', async () => {
    const result = await compile(copyProject('ok'))
    const expected = pagesAndComponents()
    expect(expected.length).toBeGreaterThanOrEqual(4)
    expect(expected.filter((file) => file.startsWith('components/')).length).toBeGreaterThanOrEqual(1)
    const missing = expected
      .flatMap((file) => ['js', 'json', 'wxml', 'wxss'].map((ext) => `${file}.${ext}`))
      .filter((name) => !(name in result))
    expect(missing).toEqual([])
    expect(result).toHaveProperty(['app.js'])
    expect(result).toHaveProperty(['app.json'])
  }, 120_000)

  it('fails on a broken WXML, naming the file', async () => {
    const dir = copyProject('broken')
    fs.writeFileSync(path.join(dir, 'miniprogram/pages/index/index.wxml'), '<view wx:if="{{a}}"><text>x</view>')
    await expect(compile(dir)).rejects.toMatchObject({ path: 'pages/index/index.wxml' })
  }, 120_000)
})
