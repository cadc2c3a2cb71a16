// The shipped provider table (resources/providers.json with its sign-in settings from
// oauth-providers.json), validated at build time by the precompute plugin in
// electron.vite.config.ts and keyed by the SHA-256 of both files' text: a start whose files are
// the ones the build saw takes the table as is instead of running the zod schema over it.
// Running from source (tests, tsx) it is empty, and builtin.ts validates the files as before.
import type { Provider } from './builtin'

export const SHIPPED_PROVIDERS: ReadonlyMap<string, Provider[]> = new Map()
