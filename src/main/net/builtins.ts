// Node's TLS, HTTP(S) and DNS modules, loaded when first used (issue 16). Imported at the top of
// a module they load with it, and the modules that make connections are imported by every command
// that might: an offline discover or an `accounts` listing paid a few milliseconds of start-up for
// modules it never used. Node keeps one instance of each, so a second call costs a lookup.
import { createRequire } from 'node:module'

const load = createRequire(import.meta.url)

export const nodeTls = (): typeof import('node:tls') => load('node:tls') as typeof import('node:tls')
export const nodeHttp = (): typeof import('node:http') => load('node:http') as typeof import('node:http')
export const nodeHttps = (): typeof import('node:https') => load('node:https') as typeof import('node:https')
export const nodeDns = (): typeof import('node:dns/promises') =>
  load('node:dns/promises') as typeof import('node:dns/promises')
