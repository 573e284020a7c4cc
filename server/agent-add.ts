/**
 * `npm run agent:add -- NAME [--password P] [--name 显示名] [--reset]`
 * Adds an agent to the database in DATA_DIR (default ./data). Without --password it asks
 * for one (twice, not echoed) on a terminal, or reads one line from piped stdin.
 * --reset sets a new password for an existing agent.
 */
import readline from 'node:readline'
import { Writable } from 'node:stream'
import { parseAgentAddArgs } from './agent-add-args'
import { PASSWORD_MIN_LENGTH } from './passwords'
import { optionsFromEnv, resolveOptions } from './config'
import { isChatError } from './errors'
import { openData } from './server'

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
  const args = parseAgentAddArgs(process.argv.slice(2))
  const options = resolveOptions({ ...optionsFromEnv(process.env), demoAgent: false })
  const password = args.password ?? (await readPassword())
  const { store, accounts } = await openData(options)
  try {
    const { user, created } = await accounts.addAgent({
      username: args.username,
      password,
      replace: args.reset,
      ...(args.name !== undefined ? { name: args.name } : {}),
    })
    process.stdout.write(
      `${created ? 'added' : 'reset the password of'} agent ${args.username} (${user.name}, id ${user.id}) in ${options.dataDir}\n`,
    )
  } finally {
    await store.close()
  }
}

main().catch((err: unknown) => {
  const message =
    isChatError(err) && err.code === 'CONFLICT' ? `${err.message} (use --reset to set a new password)` : (err as Error).message
  process.stderr.write(`agent:add: ${message}\n`)
  process.exit(1)
})
