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
 * uploaded).
 *
 * No request at all: the compile's one other request is `getWhiteExtList()` (the file extensions an
 * upload may carry, from servicewechat.com; its request has no timeout, so on a network that drops
 * packets it would hang the test). It is mocked to return the list miniprogram-ci falls back to
 * offline (`MiniProgramWhiteList`), and every request of miniprogram-ci's request module fails at
 * once and is recorded; the tests expect none.
 *
 * Clean exit: the compile runs in a child process miniprogram-ci forks (`summerEntryProcess.js`,
 * with an IPC channel that keeps jest alive) and keeps for the next compile of the same project, in
 * the module-level `summerCompilerFactory`. afterAll hands it back through
 * `summerCompilerFactory.releaseLastCompiler()` (what miniprogram-ci calls itself when it switches
 * projects: `SummerCompiler.destroy()`, which sends the child SIGTERM) and waits for every child
 * this file saw to exit; one still running after 10 s is sent SIGKILL by its pid. The factory also
 * creates an empty cache folder named md5(`<project path>|summer`) in the current directory (the
 * repository root under jest); afterAll removes those it created.
 */
import { type ChildProcess, execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** URLs miniprogram-ci tried to request (each failed at once); expected to stay empty. */
const mockRequests: string[] = []

jest.mock('miniprogram-ci/dist/utils/request', () => {
  const actual = jest.requireActual('miniprogram-ci/dist/utils/request')
  const refuse = (options: { url?: string }) => {
    mockRequests.push(String(options?.url))
    throw new Error(`miniprogram-ci.test.ts: no network (${options?.url})`)
  }
  return { ...actual, request: refuse, simpleRequest: refuse }
})

jest.mock('miniprogram-ci/dist/utils/white_ext_list', () => {
  const actual = jest.requireActual('miniprogram-ci/dist/utils/white_ext_list')
  return {
    ...actual,
    getWhiteExtList: async () => ({
      MiniProgramWhiteList: new Set(actual.MiniProgramWhiteList),
      GameWhiteList: new Set(actual.GameWhiteList),
    }),
  }
})

interface CiProject {
  attr: () => Promise<unknown>
}
interface MiniprogramCi {
  Project: new (options: { appid: string; type: string; projectPath: string; privateKeyPath: string; ignores?: string[] }) => CiProject
  DefaultProjectAttr: Record<string, unknown>
  getCompiledResult: (options: { project: CiProject; setting?: object; threads?: number }) => Promise<Record<string, string | Buffer>>
}
/** The part of miniprogram-ci's compiler cache (dist/modules/createSummer.js) this file uses. */
interface SummerCompilerFactory {
  summerCompiler: { cachePath?: string; subProcessManager?: { process?: ChildProcess } } | null
  releaseLastCompiler: () => Promise<void>
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ci = require('miniprogram-ci') as MiniprogramCi
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { summerCompilerFactory } = require('miniprogram-ci/dist/modules/createSummer') as { summerCompilerFactory: SummerCompilerFactory }

const REPO = path.join(__dirname, '../..')
const APP = path.join(REPO, 'miniprogram')

let work: string
/** Compiler child processes seen after a compile, and the cache folders created for them. */
const children = new Set<ChildProcess>()
const cacheDirs = new Set<string>()

/** A copy of the project (project.config.json + miniprogram/, bundles included) under `work`. */
function copyProject(name: string): string {
  const dir = path.join(work, name)
  fs.mkdirSync(dir)
  fs.copyFileSync(path.join(REPO, 'project.config.json'), path.join(dir, 'project.config.json'))
  fs.cpSync(APP, path.join(dir, 'miniprogram'), { recursive: true })
  return dir
}

async function compile(projectPath: string): Promise<Record<string, string | Buffer>> {
  const project = new ci.Project({ appid: 'touristappid', type: 'miniProgram', projectPath, privateKeyPath: path.join(work, 'key.pem') })
  // Locally supplied attributes instead of WeChat's servers (see the header comment).
  project.attr = async () => ({ ...ci.DefaultProjectAttr })
  const setting = JSON.parse(fs.readFileSync(path.join(projectPath, 'project.config.json'), 'utf8')).setting as Record<string, boolean>
  try {
    return await ci.getCompiledResult({
      project,
      setting: { es6: setting.es6, minifyWXML: setting.minifyWXML, minifyWXSS: setting.minifyWXSS },
      threads: 0,
    })
  } finally {
    const compiler = summerCompilerFactory.summerCompiler
    const child = compiler?.subProcessManager?.process
    if (child) children.add(child)
    if (compiler?.cachePath && /^[0-9a-f]{32}$/.test(compiler.cachePath)) cacheDirs.add(path.resolve(compiler.cachePath))
  }
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

const running = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null

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

afterAll(async () => {
  const exits = [...children].filter(running).map((child) => once(child, 'exit'))
  await summerCompilerFactory.releaseLastCompiler()
  const timer = setTimeout(() => {
    for (const child of children) if (running(child)) child.kill('SIGKILL')
  }, 10_000)
  await Promise.all(exits)
  clearTimeout(timer)
  for (const dir of cacheDirs) {
    // Only an empty folder (rmdir refuses any other), one this file's compiles created.
    if (fs.existsSync(dir)) fs.rmdirSync(dir)
  }
  if (work) fs.rmSync(work, { recursive: true, force: true })
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
    expect(mockRequests).toEqual([])
  }, 120_000)

  it('fails on a broken WXML, naming the file', async () => {
    const dir = copyProject('broken')
    fs.writeFileSync(path.join(dir, 'miniprogram/pages/index/index.wxml'), '<view wx:if="{{a}}"><text>x</view>')
    await expect(compile(dir)).rejects.toMatchObject({ path: 'pages/index/index.wxml' })
    expect(mockRequests).toEqual([])
  }, 120_000)
})
