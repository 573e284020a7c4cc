/**
 * WeChat applies only class selectors in a component's WXSS: attribute (`[disabled]`), id
 * (`#x`) and tag (`view`, `button`) selectors are ignored there, so a rule written with one
 * silently does nothing on a phone. Every component's WXSS is parsed (postcss, as
 * miniprogram-simulate does) and each selector checked; `:host` is allowed.
 */
import fs from 'node:fs'
import path from 'node:path'
// eslint-disable-next-line @typescript-eslint/no-require-imports
const postcss = require('postcss') as { parse(css: string): PostcssRoot }

interface PostcssRule {
  type: string
  selector?: string
  parent?: { type: string; name?: string }
}
interface PostcssRoot {
  walkRules(fn: (rule: PostcssRule) => void): void
}

const COMPONENTS = path.join(__dirname, '../../miniprogram/components')

/** What is wrong with one selector of a component, or null. */
function selectorProblem(selector: string): string | null {
  const bare = selector
    .replace(/:host(\([^)]*\))?/g, '')
    .replace(/::?[a-z-]+(\([^)]*\))?/g, '')
    .trim()
  if (bare.includes('[')) return 'an attribute selector'
  if (bare.includes('#')) return 'an id selector'
  // A compound that starts with a name, not a class: a tag (`view`, `button`, `*`).
  for (const compound of bare.split(/[\s>+~,]+/)) {
    if (compound !== '' && !compound.startsWith('.')) return `a tag selector (${compound})`
  }
  return null
}

function problemsIn(file: string): string[] {
  const problems: string[] = []
  postcss.parse(fs.readFileSync(file, 'utf8')).walkRules((rule) => {
    // Keyframe steps (from, to, 50%) are not selectors.
    if (rule.parent?.type === 'atrule' && (rule.parent.name ?? '').endsWith('keyframes')) return
    for (const selector of (rule.selector ?? '').split(',')) {
      const problem = selectorProblem(selector.trim())
      if (problem !== null) problems.push(`${path.relative(COMPONENTS, file)}: "${selector.trim()}" is ${problem}`)
    }
  })
  return problems
}

it('tells class selectors from attribute, id and tag ones', () => {
  expect(selectorProblem('.send.off')).toBeNull()
  expect(selectorProblem(':host')).toBeNull()
  expect(selectorProblem('.mine .body')).toBeNull()
  expect(selectorProblem('.a > .b::after')).toBeNull()
  expect(selectorProblem('.send[disabled]')).toBe('an attribute selector')
  expect(selectorProblem('#list .item')).toBe('an id selector')
  expect(selectorProblem('button.send')).toBe('a tag selector (button.send)')
  expect(selectorProblem('.row view')).toBe('a tag selector (view)')
})

it('uses only class selectors in every component WXSS', () => {
  const files = fs
    .readdirSync(COMPONENTS)
    .map((name) => path.join(COMPONENTS, name, `${name}.wxss`))
    .filter((file) => fs.existsSync(file))
  expect(files.length).toBeGreaterThanOrEqual(3)
  expect(files.flatMap(problemsIn)).toEqual([])
})
