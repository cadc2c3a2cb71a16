// The shipped autoconfig folders' indexes (resources/isp, resources/ispdb), made at build time
// by the precompute plugin in electron.vite.config.ts and keyed by each folder's listing (file
// names and sizes): a start then reads none of the 163 ISPDB files to learn which name a domain.
// Running from source (tests, tsx) it is empty, and folder-index.ts reads the files as before.
export const SHIPPED_INDEXES: ReadonlyMap<string, Record<string, string[]>> = new Map()
