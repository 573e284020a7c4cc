/**
 * Static checks of the devtools project: WeChat devtools sees only `miniprogramRoot`, so
 * every import under miniprogram/ must resolve to a file inside it; every page and
 * component must have its four files; project.config.json must open in tourist mode.
 */
import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'

const REPO = path.join(__dirname, '../..')
const ROOT = path.join(REPO, 'miniprogram')

interface Reference {
  file: string
  specifier: string
  /** Erased by the compiler (import type / export type): only the type checker follows it. */
  typeOnly: boolean
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return walk(full)
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : []
  })
}

function references(file: string): Reference[] {
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
    file.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS,
  )
  const found: Reference[] = []
  const add = (node: ts.Node | undefined, typeOnly: boolean): void => {
    if (node !== undefined && ts.isStringLiteralLike(node)) found.push({ file, specifier: node.text, typeOnly })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause
      const namedTypesOnly =
        clause !== undefined &&
        clause.name === undefined &&
        clause.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((e) => e.isTypeOnly)
      add(node.moduleSpecifier, clause?.isTypeOnly === true || namedTypesOnly)
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true)
    } else if (ts.isCallExpression(node) && node.arguments.length === 1) {
      const callee = node.expression
      if ((ts.isIdentifier(callee) && callee.text === 'require') || callee.kind === ts.SyntaxKind.ImportKeyword)
        add(node.arguments[0], false)
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

/** The file `specifier` names from `from`, as the mini-program runtime (values) or the type checker (types) finds it. */
function resolve(from: string, specifier: string, typeOnly: boolean): string | null {
  if (!specifier.startsWith('./') && !specifier.startsWith('../') && !specifier.startsWith('/')) return null
  const base = specifier.startsWith('/') ? path.join(ROOT, specifier) : path.resolve(path.dirname(from), specifier)
  const runtime = [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts'), path.join(base, 'index.js')]
  const types = [`${base}.d.ts`, path.join(base, 'index.d.ts')]
  for (const candidate of typeOnly ? [...runtime, ...types] : runtime) {
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate
  }
  return null
}

const inside = (file: string): boolean => {
  const rel = path.relative(ROOT, file)
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
}

describe('the devtools project', () => {
  it('has the built bundles the pages import (npm install runs npm run build)', () => {
    for (const bundle of ['lib/index.js', 'lib/chat/index.js', 'lib/index.d.ts', 'lib/chat/index.d.ts']) {
      expect({ bundle, exists: fs.existsSync(path.join(ROOT, bundle)) }).toEqual({ bundle, exists: true })
    }
  })

  it('resolves every require and import under miniprogram/ to a file inside miniprogram/', () => {
    const files = walk(ROOT)
    expect(files.length).toBeGreaterThan(10)
    const refs = files.flatMap(references)
    expect(refs.length).toBeGreaterThan(20)
    const problems = refs.flatMap((ref) => {
      const where = `${path.relative(REPO, ref.file)}: '${ref.specifier}'`
      const target = resolve(ref.file, ref.specifier, ref.typeOnly)
      if (target === null) {
        const bare = !/^\.{0,2}\//.test(ref.specifier)
        return [
          bare ? `${where} is a package name: devtools resolves only files inside miniprogram/` : `${where} does not resolve to a file`,
        ]
      }
      if (!inside(target)) return [`${where} resolves outside miniprogram/ (${path.relative(REPO, target)})`]
      if (!ref.typeOnly && !/\.(ts|js)$/.test(target)) return [`${where} is a runtime import of ${path.basename(target)}`]
      return []
    })
    expect(problems).toEqual([])
  })

  it('has .json, .wxml, .wxss and .ts for every page in app.json and every component they use', () => {
    const app = readJson(path.join(ROOT, 'app.json'))
    const pages = app.pages as string[]
    expect(pages).toEqual(['pages/index/index', 'pages/chat/chat'])
    expect(fs.existsSync(path.join(ROOT, String(app.sitemapLocation)))).toBe(true)
    for (const file of ['app.ts', 'app.json', 'app.wxss', 'config.ts']) expect(fs.existsSync(path.join(ROOT, file))).toBe(true)

    const seen = new Set<string>()
    const problems: string[] = []
    const check = (base: string, isComponent: boolean): void => {
      if (seen.has(base)) return
      seen.add(base)
      const rel = path.relative(ROOT, base)
      for (const ext of ['json', 'wxml', 'wxss', 'ts']) {
        if (!fs.existsSync(`${base}.${ext}`)) problems.push(`${rel}.${ext} is missing`)
      }
      if (!fs.existsSync(`${base}.json`)) return
      const json = readJson(`${base}.json`)
      if (isComponent && json.component !== true) problems.push(`${rel}.json does not say "component": true`)
      const using = (json.usingComponents ?? {}) as Record<string, string>
      for (const [tag, target] of Object.entries(using)) {
        const next = target.startsWith('/') ? path.join(ROOT, target) : path.resolve(path.dirname(base), target)
        if (!inside(next)) problems.push(`${rel}.json: <${tag}> points outside miniprogram/`)
        else check(next, true)
      }
    }
    for (const page of pages) check(path.join(ROOT, page), false)
    expect(problems).toEqual([])
    expect([...seen].map((base) => path.relative(ROOT, base)).sort()).toEqual([
      'components/chat-input/chat-input',
      'components/connection-banner/connection-banner',
      'components/message-bubble/message-bubble',
      'pages/chat/chat',
      'pages/index/index',
    ])
  })

  it('opens in WeChat devtools in tourist mode with TypeScript compiled and local ws:// allowed', () => {
    const project = readJson(path.join(REPO, 'project.config.json'))
    expect(project).toMatchObject({
      miniprogramRoot: 'miniprogram/',
      appid: 'touristappid',
      compileType: 'miniprogram',
      setting: { useCompilerPlugins: ['typescript'], urlCheck: false, minifyWXML: true, minifyWXSS: true },
    })
  })

  it('names the lowest base library the pages and the bundle need (libVersion)', () => {
    // 2.30.0: the bundle is ES2018 (scripts/build.mjs); everything the pages use is older
    // (scroll-view enhanced 2.12.0, darkmode 2.11.0, chooseMedia 2.10.0, keyboardheightchange 2.7.0).
    const project = readJson(path.join(REPO, 'project.config.json'))
    const build = fs.readFileSync(path.join(REPO, 'scripts/build.mjs'), 'utf8')
    const bundleNeeds = /from base library (\d+\.\d+\.\d+) on/.exec(build)?.[1]
    expect(bundleNeeds).toBeDefined()
    expect(project.libVersion).toBe(bundleNeeds)
  })

  it('writes pages with Component(), without @ts-ignore or explicit any', () => {
    const problems = walk(ROOT)
      .filter((file) => !path.relative(ROOT, file).startsWith(`lib${path.sep}`))
      .flatMap((file) => {
        const text = fs.readFileSync(file, 'utf8')
        const rel = path.relative(REPO, file)
        return [
          ...(/\bPage\s*\(/.test(text) ? [`${rel} calls Page()`] : []),
          ...(/@ts-(ignore|nocheck)/.test(text) ? [`${rel} has @ts-ignore`] : []),
          ...(/:\s*any\b|as any\b|<any>/.test(text) ? [`${rel} uses any`] : []),
        ]
      })
    expect(problems).toEqual([])
  })
})
