// The SHA-256 of every shipped autoconfig file the build parsed (resources/isp, resources/ispdb),
// made at build time by the precompute plugin in electron.vite.config.ts, which also writes each
// file's tree (built-xml.ts). Running from source (tests, tsx) it is empty.
export const SHIPPED_XML: ReadonlySet<string> = new Set()
