// Email address parsing shared by the wizard (validation as typed) and the main side.
// Pure: runs in the renderer, Node and the CLI alike.
import { hasUnsafeChars } from './escape'

export type AddressProblem =
  | 'empty'
  | 'no-at'
  | 'many-at'
  | 'local-empty'
  | 'local-too-long'
  | 'local-invalid'
  | 'domain-empty'
  | 'domain-invalid'
  | 'domain-no-dot'
  | 'too-long'
  | 'control-character'

export type ParsedAddress =
  | {
      ok: true
      /** The address as it should be stored and shown: trimmed, domain lower-cased (Unicode). */
      address: string
      local: string
      /** Domain in Unicode, lower case. */
      domain: string
      /** Domain in ASCII (punycode) for DNS and host names. */
      asciiDomain: string
    }
  | { ok: false; problem: AddressProblem }

// RFC 5322 dot-atom characters plus any non-ASCII (RFC 6531 SMTPUTF8 local parts).
const LOCAL_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+$/u

export function toAsciiDomain(domain: string): string | undefined {
  try {
    const host = new URL(`http://${domain}/`).hostname
    return host && !host.startsWith('[') ? host.replace(/\.$/, '') : undefined
  } catch {
    return undefined
  }
}

export function parseAddress(input: string): ParsedAddress {
  const trimmed = input
    .normalize('NFC')
    .trim()
    .replace(/^mailto:/i, '')
  if (!trimmed) return { ok: false, problem: 'empty' }
  if (trimmed.length > 320) return { ok: false, problem: 'too-long' }
  // Bidi overrides (U+202E turns "moc.elpmaxe" into what looks like "example.com"), C0/C1
  // controls and line separators have no place in an address.
  if (hasUnsafeChars(trimmed)) return { ok: false, problem: 'control-character' }
  const at = trimmed.lastIndexOf('@')
  if (at < 0) return { ok: false, problem: 'no-at' }
  const local = trimmed.slice(0, at)
  const domainRaw = trimmed
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '')
  if (!local) return { ok: false, problem: 'local-empty' }
  if (local.includes('@') && !/^".*"$/.test(local)) return { ok: false, problem: 'many-at' }
  if (new TextEncoder().encode(local).length > 64) return { ok: false, problem: 'local-too-long' }
  const quoted = /^"(?:[^"\\\r\n]|\\.)+"$/.test(local)
  if (!quoted && !local.split('.').every((part) => part.length > 0 && LOCAL_ATOM.test(part))) {
    return { ok: false, problem: 'local-invalid' }
  }
  if (!domainRaw) return { ok: false, problem: 'domain-empty' }
  if (/\s/.test(domainRaw)) return { ok: false, problem: 'domain-invalid' }
  const asciiDomain = toAsciiDomain(domainRaw)
  if (!asciiDomain || !/^[a-z0-9.-]+$/.test(asciiDomain)) return { ok: false, problem: 'domain-invalid' }
  const labels = asciiDomain.split('.')
  if (labels.length < 2) return { ok: false, problem: 'domain-no-dot' }
  if (labels.some((l) => !l || l.length > 63 || l.startsWith('-') || l.endsWith('-'))) {
    return { ok: false, problem: 'domain-invalid' }
  }
  if (asciiDomain.length > 253) return { ok: false, problem: 'domain-invalid' }
  // The domain stays as the user wrote it (Unicode or punycode); hosts and DNS use asciiDomain.
  return { ok: true, address: `${local}@${domainRaw}`, local, domain: domainRaw, asciiDomain }
}

/** Throws a plain Error with the problem code; main wraps it into a typed AppError. */
export function normalizeAddress(input: string): Extract<ParsedAddress, { ok: true }> {
  const parsed = parseAddress(input)
  if (!parsed.ok) {
    const err = new Error(parsed.problem) as Error & { addressProblem: AddressProblem }
    err.addressProblem = parsed.problem
    throw err
  }
  return parsed
}
