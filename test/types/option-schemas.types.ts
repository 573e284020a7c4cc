/**
 * OptionsSchema (server/option-schemas.ts) describes exactly ServerOptions (server/config.ts),
 * less `fetch`, `clock`, `httpRateLimitStore` and `logStream`, functions (or holders of them) that JSON Schema cannot describe and resolveOptions checks
 * by hand.
 */
import type { Static } from '@sinclair/typebox'
import type { ServerOptions } from '../../server/config'
import type { OptionsSchema } from '../../server/option-schemas'
import type { Equal, Expect } from './type-equality'

export type OptionSchemaChecks = [
  Expect<Equal<Static<typeof OptionsSchema>, Omit<ServerOptions, 'fetch' | 'clock' | 'httpRateLimitStore' | 'logStream'>>>,
]

// @ts-expect-error the schema leaves the functions out
export type OptionsWithFunctions = Expect<Equal<Static<typeof OptionsSchema>, ServerOptions>>
