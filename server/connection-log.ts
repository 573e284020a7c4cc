import type { FastifyBaseLogger } from 'fastify'

type Fields = Record<string, unknown>

/**
 * Log lines for one socket (or one agent): the shared logger with the socket's fields on each
 * line. One small object per socket rather than a pino child or a closure per level (issue 15
 * counts memory per idle connection).
 */
export class ConnectionLog {
  constructor(
    private readonly base: FastifyBaseLogger,
    private readonly fields: Fields,
  ) {}

  info(obj: Fields, msg: string): void {
    this.base.info({ ...this.fields, ...obj }, msg)
  }

  debug(obj: Fields, msg: string): void {
    const level = this.base.level
    if (level === 'debug' || level === 'trace') this.base.debug({ ...this.fields, ...obj }, msg)
  }

  warn(obj: Fields, msg: string): void {
    this.base.warn({ ...this.fields, ...obj }, msg)
  }

  error(obj: Fields, msg: string): void {
    this.base.error({ ...this.fields, ...obj }, msg)
  }
}
