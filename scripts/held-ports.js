// The bench's servers listen on standard ports of their own 127.x addresses. A service that
// listens on the same port on every address (0.0.0.0 or [::]), such as a packaged Dovecot or
// Postfix its install started, makes each of those binds fail with EADDRINUSE, and the tests
// fail far from the cause: `npm test` names such listeners first.
import { spawnSync } from 'node:child_process'

/** test/world: Postfix's port 25, DNS, the web hosts, IMAP, POP3 and submission. */
export const BENCH_PORTS = [25, 53, 80, 110, 143, 443, 465, 587, 993, 995]

const WILDCARD = new Set(['0.0.0.0', '*', '[::]', '::'])

/** "tcp 0.0.0.0:993 (dovecot)" for each listener on every address on a bench port. */
export function heldPorts(ports = BENCH_PORTS) {
  const r = spawnSync('ss', ['-Hlntup'], { encoding: 'utf8' })
  if (r.status !== 0) return []
  const held = []
  for (const line of (r.stdout ?? '').split('\n')) {
    const [proto, , , , local, , ...rest] = line.trim().split(/\s+/)
    const at = local?.lastIndexOf(':') ?? -1
    if (at < 0) continue
    const addr = local.slice(0, at).replace(/%.*$/, '')
    const port = Number(local.slice(at + 1))
    if (!WILDCARD.has(addr) || !ports.includes(port)) continue
    const who = /\("([^"]+)"/.exec(rest.join(' '))?.[1]
    held.push(`${proto} ${local}${who ? ` (${who})` : ''}`)
  }
  return held
}
