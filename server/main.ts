/**
 * `npm start`: the reference server, configured from the environment (see README, "Server").
 * stdout carries one JSON log line per event; the human-readable banner goes to stderr.
 */
import { optionsFromEnv } from './config'
import { startServer, type RunningServer } from './server'

function banner(server: RunningServer): string {
  const lines = [
    '',
    `  Customer-service server listening on ${server.url}  (data: ${server.dataDir})`,
    '',
    `  Agent console        ${server.consoleUrl}`,
    `  Mini-program socket  ${server.wsUrl}`,
    `  Customer login       POST ${server.url}/api/login {code}` +
      (server.accounts.devMode
        ? '  (dev mode: any code is a stable customer; set WX_APPID/WX_SECRET for WeChat)'
        : '  (WeChat jscode2session)'),
  ]
  const demo = server.demoAgent
  if (demo) {
    lines.push(
      `  Demo agent           username: ${demo.username}   password: ${demo.generated ? demo.password : '(the value of DEMO_AGENT_PASSWORD)'}`,
      demo.generated ? '                       (shown once: note it down; add agents with npm run agent:add -- NAME)' : '',
    )
  } else {
    lines.push('  Agents               log in with an existing account; add one with: npm run agent:add -- NAME')
  }
  lines.push('')
  return lines.join('\n')
}

async function main(): Promise<void> {
  const server = await startServer(optionsFromEnv(process.env))
  process.stderr.write(`${banner(server)}\n`)

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      server.app.log.warn({ event: 'shutdown.forced', signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    server.app.log.info({ event: 'shutdown', signal }, 'shutting down')
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err, event: 'shutdown.failed' }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException
  const hint = e.code === 'EADDRINUSE' ? ' (another process uses this port: set PORT to another one)' : ''
  process.stderr.write(`server failed to start: ${e.message}${hint}\n`)
  process.exit(1)
})
