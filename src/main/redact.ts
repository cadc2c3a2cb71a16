// The one redaction function. Everything that leaves a service (logs, transcripts, reports,
// exports, errors) passes through here. It removes known secrets by value and protocol
// credentials by shape.
import { AsyncLocalStorage } from 'node:async_hooks'

const MASK = '••••••'

/**
 * Secret values known now (passwords, tokens, their SASL payloads), matched by value anywhere,
 * each with the number of holders. A long-running process (browser mode) must not keep every
 * password ever tried: an operation's registrations end with it (withSecretScope), and the
 * session's password is held until it is replaced (holdSecret).
 */
const knownSecrets = new Map<string, number>()
const scope = new AsyncLocalStorage<string[]>()

function add(value: string): void {
  knownSecrets.set(value, (knownSecrets.get(value) ?? 0) + 1)
}

/** Registers a secret for the running operation (see withSecretScope), or for the process outside one. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 3) return
  add(value)
  scope.getStore()?.push(value)
}

/** Holds a secret until the returned function is called, whatever operation is running. */
export function holdSecret(value: string | undefined): () => void {
  if (!value || value.length < 3) return () => undefined
  add(value)
  let held = true
  return () => {
    if (held) forgetSecret(value)
    held = false
  }
}

/** Drops one holder of a secret; the value is forgotten when nobody holds it. */
export function forgetSecret(value: string | undefined): void {
  if (!value) return
  const n = knownSecrets.get(value) ?? 0
  if (n <= 1) {
    knownSecrets.delete(value)
    variantCache.delete(value)
  } else knownSecrets.set(value, n - 1)
}

/** Runs one operation; the secrets it registers are forgotten when it ends (unless held elsewhere). */
export async function withSecretScope<T>(fn: () => Promise<T>): Promise<T> {
  const registered: string[] = []
  try {
    return await scope.run(registered, fn)
  } finally {
    // Registrations made later by callbacks of this operation stay for the process.
    const done = registered.splice(0)
    for (const v of done) forgetSecret(v)
  }
}

/** How many secret values are known (for tests and the memory benchmark). */
export function knownSecretCount(): number {
  return knownSecrets.size
}

/**
 * The forms a secret may take in text: itself, base64 and percent-encoded; and for a non-ASCII
 * secret, its UTF-8 bytes read as latin1 (a line that was not valid UTF-8 as a whole) and its
 * latin1 bytes in base64 (a server that re-encoded it).
 */
function variants(secret: string): string[] {
  const utf8 = Buffer.from(secret, 'utf8')
  const out = new Set([secret, utf8.toString('base64'), encodeURIComponent(secret)])
  if (/[^\x00-\x7f]/.test(secret)) {
    out.add(utf8.toString('latin1'))
    if (/^[\x00-\xff]*$/.test(secret)) out.add(Buffer.from(secret, 'latin1').toString('base64'))
  }
  return [...out]
}

// Protocol shapes that carry credentials, each keeping the verb and masking the rest.
const PATTERNS: Array<[RegExp, string]> = [
  // IMAP: tag LOGIN user pass (the username stays: it shows which form the server refused)
  // / tag AUTHENTICATE MECH initial-response
  [/^(\S+ LOGIN (?:"(?:[^"\\]|\\.)*"|\{\d+\+?\}|[^\s"{]+) )(.+)$/im, `$1${MASK}`],
  [/^(\S+ LOGIN )(?!(?:"(?:[^"\\]|\\.)*"|\{\d+\+?\}|[^\s"{]+)(?: ••••••)?$)(.+)$/im, `$1${MASK}`],
  [/^(\S+ AUTHENTICATE \S+)( .*)?$/im, `$1 ${MASK}`],
  // POP3
  [/^(PASS )(.*)$/im, `$1${MASK}`],
  [/^(APOP \S+ )(.*)$/im, `$1${MASK}`],
  [/^(AUTH \S+)( .+)$/im, `$1 ${MASK}`],
  // OAuth / HTTP
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, `$1${MASK}`],
  [/(auth=Bearer\s*)[^\x01\s]+/gi, `$1${MASK}`],
  [
    /("?(?:access_token|refresh_token|id_token|password|client_secret|code_verifier)"?\s*[:=]\s*"?)[^"&\s,}]+/gi,
    `$1${MASK}`
  ],
  [/(\/\/[^/\s:@]+:)[^@/\s]+@/g, `$1${MASK}@`]
]

/**
 * Masks only the registered secret values. For our own summaries (a step's info such as
 * "AUTH PLAIN LOGIN"), where the protocol-shape patterns would mask harmless words.
 */
export function redactSecrets(text: string): string {
  let out = text
  for (const secret of knownSecrets.keys()) {
    for (const v of variantsOf(secret)) if (out.includes(v)) out = out.split(v).join(MASK)
  }
  return out
}

/**
 * Each known secret's forms, worked out once: every probe event is redacted whole, so the same
 * few secrets are looked for in thousands of strings per check. Forgotten with the secret.
 */
const variantCache = new Map<string, string[]>()
function variantsOf(secret: string): string[] {
  let forms = variantCache.get(secret)
  if (!forms) variantCache.set(secret, (forms = variants(secret).filter((v) => v.length >= 3)))
  return forms
}

/** Redacts one line or block of text: registered secrets, then credentials by protocol shape. */
export function redact(text: string): string {
  let out = redactSecrets(text)
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep)
  return out
}

/** Keys whose values are free text that may quote a server or a client (and so a secret). */
const FREE_TEXT_KEYS = new Set(['text', 'serverSays', 'detail', 'message'])
/** Keys of our own summaries: only registered secret values are masked there. */
const SUMMARY_KEYS = new Set(['info'])
const SECRET_KEYS =
  /^(password|pass|secret|token|accessToken|refreshToken|access_token|refresh_token|clientSecret|authorization)$/i

/**
 * Deep-redacts a JSON-able value: secret-named keys masked, free-text fields redacted.
 * Structured fields (codes, hosts, usernames, enums) are left alone: a short password that
 * happens to be a common word must not turn `cert-wrong-host` or a host name into a mask.
 */
export function redactValue<T>(value: T): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') {
      if (key && SECRET_KEYS.test(key)) return MASK
      if (key && FREE_TEXT_KEYS.has(key)) return redact(v)
      return key && SUMMARY_KEYS.has(key) ? redactSecrets(v) : v
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, key))
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]))
    }
    return v
  }
  return walk(value) as T
}

export const REDACTION_MASK = MASK
