/**
 * `npm run agent:add -- NAME [--password P] [--name 显示名] [--reset]`
 * Adds an agent to the database in DATA_DIR (default ./data). Without --password it asks
 * for one (twice, not echoed) on a terminal, or reads one line from piped stdin.
 * --reset sets a new password for an existing agent.
 */
import readline from 'node:readline'
import { Writable } from 'node:stream'
import { PASSWORD_MIN_LENGTH } from './passwords'
import { optionsFromEnv, resolveOptions } from './config'
import { isChatError } from './errors'
import { openData } from './server'

interface AgentAddArgs {
  username: string
  password?: string
  name?: string
  reset: boolean
}

const USAGE = 'usage: npm run agent:add -- USERNAME [--password PASSWORD] [--name DISPLAY_NAME] [--reset]'

function parseArgs(argv: readonly string[]): AgentAddArgs {
  let username: string | undefined
  let password: string | undefined
  let name: string | undefined
  let reset = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = (): string => {
      const v = argv[++i]
      if (v === undefined) throw new TypeError(`${arg} needs a value\n${USAGE}`)
      return v
    }
    if (arg === '--password' || arg === '-p') password = value()
    else if (arg.startsWith('--password=')) password = arg.slice('--password='.length)
    else if (arg === '--name') name = value()
    else if (arg.startsWith('--name=')) name = arg.slice('--name='.length)
    else if (arg === '--reset') reset = true
    else if (arg.startsWith('-')) throw new TypeError(`unknown option ${arg}\n${USAGE}`)
    else if (username === undefined) username = arg
    else throw new TypeError(`unexpected argument ${arg}\n${USAGE}`)
  }
  if (username === undefined) throw new TypeError(USAGE)
  return { username, reset, ...(password !== undefined ? { password } : {}), ...(name !== undefined ? { name } : {}) }
}

function ask(question: string, hidden: boolean): Promise<string> {
  let muted = false
  const output = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (!muted) process.stderr.write(chunk)
      done()
    },
  })
  const rl = readline.createInterface({ input: process.stdin, output, terminal: process.stdin.isTTY === true })
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close()
      if (hidden) process.stderr.write('\n')
      resolve(answer)
    })
    muted = hidden
  })
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) return (await ask('', false)).trim()
  const first = await ask(`Password (at least ${PASSWORD_MIN_LENGTH} characters): `, true)
  const second = await ask('Again: ', true)
  if (first !== second) throw new TypeError('the passwords differ')
  return first
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2))
  const options = resolveOptions({ ...optionsFromEnv(process.env), demoAgent: false })
  const password = args.password ?? (await readPassword())
  const { store, accounts } = openData(options)
  try {
    const { user, created } = await accounts.addAgent({ username: args.username, password, replace: args.reset, ...(args.name !== undefined ? { name: args.name } : {}) })
    process.stdout.write(`${created ? 'added' : 'reset the password of'} agent ${args.username} (${user.name}, id ${user.id}) in ${options.dataDir}\n`)
  } finally {
    store.close()
  }
}

main().catch((err: unknown) => {
  const message = isChatError(err) && err.code === 'CONFLICT' ? `${err.message} (use --reset to set a new password)` : (err as Error).message
  process.stderr.write(`agent:add: ${message}\n`)
  process.exit(1)
})
