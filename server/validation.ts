/**
 * Schema validation for the server: the Ajv set-up (the Ajv 8 that fastify ships) shared by the
 * frame, option and environment schemas (TypeBox, in server/frame-schemas.ts and
 * server/option-schemas.ts), and the one place Ajv's errors become messages that name the field
 * and say what a valid value is ("afterSeq" must be an integer ≥ 0).
 */
import Ajv, { type ErrorObject, type Options } from 'ajv'

/**
 * An annotation a schema may carry: what a valid value is, in words, for a rule the schema's own
 * keywords do not say plainly (a `pattern`). `Type.String({ pattern, expected: 'a whole number' })`.
 */
export const EXPECTED = 'expected'

/** An Ajv instance that knows the `expected` annotation and reports enough to build the messages below. */
export function createAjv(options: Options = {}): Ajv {
  // `minLength`/`maxLength` count code points ("characters", as docs/protocol.md counts text), not
  // UTF-16 units: Ajv's `unicode: false` would keep String#length but is deprecated and warns at start.
  const ajv = new Ajv({
    // Errors carry the failing schema and value: the messages are made from them.
    verbose: true,
    ...options,
  })
  ajv.addKeyword({ keyword: EXPECTED, schemaType: 'string' })
  return ajv
}

/** One thing wrong with a value, as found by a schema. */
export interface SchemaProblem {
  /** Property names from the root down to the bad (or missing) value; empty for the root itself. */
  path: string[]
  /** The schema the bad value broke; for a missing property, that property's schema. */
  schema: Record<string, unknown>
  /** The bad value; undefined when it is missing. */
  value: unknown
  /** The property is absent (`required`, `dependencies`). */
  missing: boolean
  /** For `dependencies`: the property that needs the missing one. */
  neededBy?: string
}

const decodePointer = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~')

function schemaObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {}
}

function toProblem(error: ErrorObject): SchemaProblem {
  const path = error.instancePath === '' ? [] : error.instancePath.slice(1).split('/').map(decodePointer)
  const parent = schemaObject(error.parentSchema)
  if (error.keyword === 'required' || error.keyword === 'dependencies') {
    const missing = String(error.params.missingProperty)
    const schema = schemaObject(schemaObject(parent.properties)[missing])
    const neededBy = error.keyword === 'dependencies' ? { neededBy: String(error.params.property) } : {}
    return { path: [...path, missing], schema, value: undefined, missing: true, ...neededBy }
  }
  return { path, schema: parent, value: error.data, missing: false }
}

const isUnion = (p: SchemaProblem): boolean => Array.isArray(p.schema.anyOf)
const within = (path: string[], root: string[]): boolean => root.every((name, i) => path[i] === name)

/**
 * The problems in Ajv's errors. A union (`anyOf`) reports each branch's errors and then its own:
 * of those, only the deepest is kept, where the value went wrong (`wechat.secret`, not `wechat`);
 * when no branch got deeper than the union, its own, which names the whole choice ("… or false").
 */
export function schemaProblems(errors: readonly ErrorObject[] | null | undefined): [SchemaProblem, ...SchemaProblem[]] {
  let problems = (errors ?? []).map(toProblem)
  for (const union of problems.filter(isUnion)) {
    if (!problems.includes(union)) continue
    const inside = problems.filter((p) => within(p.path, union.path))
    const depth = Math.max(...inside.map((p) => p.path.length))
    const best = depth > union.path.length ? inside.find((p) => p.path.length === depth) : union
    problems = problems.filter((p) => p === best || !inside.includes(p))
  }
  const [first, ...rest] = problems
  // Ajv reports at least one error for a value it refuses; should it not, the root is named.
  return [first ?? { path: [], schema: {}, value: undefined, missing: false }, ...rest]
}

const SAFE_MAX = Number.MAX_SAFE_INTEGER

function bounds(schema: Record<string, unknown>): string {
  const min = typeof schema.minimum === 'number' ? schema.minimum : undefined
  const max = typeof schema.maximum === 'number' && schema.maximum !== SAFE_MAX ? schema.maximum : undefined
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`
  if (min !== undefined) return ` ≥ ${min}`
  if (max !== undefined) return ` ≤ ${max}`
  return ''
}

function stringRule(schema: Record<string, unknown>): string {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined
  if (max !== undefined) return `a string of ${min} to ${max} characters`
  if (min === 1) return 'a non-empty string'
  if (min > 1) return `a string of at least ${min} characters`
  return typeof schema.pattern === 'string' ? `a string matching /${schema.pattern}/` : 'a string'
}

/** What a value of this schema is, in words: 'an integer from 1 to 100000', 'one of "text", "image"', '{ rate, burst }'. */
export function expectedBy(schema: Record<string, unknown>): string {
  const said = schema[EXPECTED]
  if (typeof said === 'string') return said
  if (schema.const !== undefined) return JSON.stringify(schema.const)
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`
  if (Array.isArray(schema.anyOf)) return schema.anyOf.map((s) => expectedBy(schemaObject(s))).join(' or ')
  switch (schema.type) {
    case 'integer':
      return `an integer${bounds(schema)}`
    case 'number':
      return schema.exclusiveMinimum === 0 && schema.maximum === undefined ? 'a positive number' : `a number${bounds(schema)}`
    case 'string':
      return stringRule(schema)
    case 'boolean':
      return 'true or false'
    case 'null':
      return 'null'
    case 'object': {
      const required = Array.isArray(schema.required) ? schema.required : []
      const keys = Object.keys(schemaObject(schema.properties)).map((k) => (required.includes(k) ? k : `${k}?`))
      return keys.length > 0 ? `an object { ${keys.join(', ')} }` : 'an object'
    }
    default:
      return 'a valid value'
  }
}

/** A number, a choice of words or a range: the value is of a kind one may show back ("got 70000"). */
export function isRangeRule(schema: Record<string, unknown>): boolean {
  return schema.type === 'integer' || schema.type === 'number' || Array.isArray(schema.enum)
}
