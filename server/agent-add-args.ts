/** The command line of `npm run agent:add` (server/agent-add.ts), read with Node's own parseArgs. */
import { parseArgs, type ParseArgsConfig } from 'node:util'

export interface AgentAddArgs {
  username: string
  password?: string
  name?: string
  reset: boolean
}

export const USAGE = 'usage: npm run agent:add -- USERNAME [--password PASSWORD] [--name DISPLAY_NAME] [--reset]'

const OPTIONS = {
  password: { type: 'string', short: 'p' },
  name: { type: 'string' },
  reset: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options']

/** A bad command line: the message says what is wrong, then the usage. */
export type UsageError = TypeError & { code: 'USAGE' }

function usageError(problem: string | undefined): UsageError {
  return Object.assign(new TypeError(problem !== undefined ? `${problem}\n${USAGE}` : USAGE), { code: 'USAGE' as const })
}

const isOption = (name: string): name is keyof typeof OPTIONS => Object.prototype.hasOwnProperty.call(OPTIONS, name)

/**
 * Node's parse error in this command's words: "unknown option --bogus", "--password needs a
 * value". Its errors name the problem only in their text, so the arguments are read again, leniently,
 * to find the option at fault; any other parse error keeps Node's own message.
 */
function describeParseError(argv: readonly string[], code: string, message: string): string {
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: false, tokens: true })
  for (const token of tokens) {
    if (token.kind !== 'option') continue
    if (!isOption(token.name)) {
      if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${token.rawName}`
    } else if (OPTIONS[token.name].type === 'string' && token.value === undefined) {
      return `${token.rawName} needs a value`
    }
  }
  return message
}

/** Throws a UsageError for an unknown option, a missing value, no USERNAME or a second one. */
export function parseAgentAddArgs(argv: readonly string[]): AgentAddArgs {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true })
  } catch (err) {
    // By code, not `instanceof`: Node's errors come from its own realm (under jest, another one than the test's).
    const parseError = err as Error & { code?: unknown }
    if (typeof parseError.code !== 'string' || !parseError.code.startsWith('ERR_PARSE_ARGS_')) throw err
    throw usageError(describeParseError(argv, parseError.code, parseError.message))
  }
  const [username, extra] = parsed.positionals
  if (username === undefined) throw usageError(undefined)
  if (extra !== undefined) throw usageError(`unexpected argument ${extra}`)
  const { password, name, reset } = parsed.values
  return { username, reset: reset === true, ...(password !== undefined ? { password } : {}), ...(name !== undefined ? { name } : {}) }
}
