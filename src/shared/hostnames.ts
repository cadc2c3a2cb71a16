// What the user must see before approving settings (draft-ietf-mailmaint-autoconfig and
// -pacc, user approval): the registrable domain of every server and sign-in issuer, and a flag
// on names whose characters can pass for others (mixed scripts, or a whole label in Cyrillic
// or Greek letters that look Latin). One home for both, used by the wizard and the CLI.
import { getDomain } from 'tldts'

/** The registrable domain ("example.co.uk" for "imap.mail.example.co.uk"); the host itself when there is none. */
export function registrableDomain(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '')
  if (/^\[|^\d+\.\d+\.\d+\.\d+$/.test(h)) return h
  return getDomain(h, { allowPrivateDomains: false }) ?? h
}

// RFC 3492 bootstring parameters for Punycode.
const BASE = 36
const TMIN = 1
const TMAX = 26

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / 700) : delta >> 1
  d += Math.floor(d / points)
  let k = 0
  while (d > ((BASE - TMIN) * TMAX) >> 1) {
    d = Math.floor(d / (BASE - TMIN))
    k += BASE
  }
  return k + Math.floor(((BASE - TMIN + 1) * d) / (d + 38))
}

/** One "xn--" label decoded (RFC 3492); undefined when it is not valid Punycode. */
export function decodeLabel(label: string): string | undefined {
  if (!/^xn--/i.test(label)) return label
  const input = label.slice(4).toLowerCase()
  const cut = input.lastIndexOf('-')
  const out = cut > 0 ? [...input.slice(0, cut)].map((c) => c.codePointAt(0)!) : []
  let n = 128
  let i = 0
  let bias = 72
  for (let pos = cut > 0 ? cut + 1 : 0; pos < input.length;) {
    const old = i
    for (let w = 1, k = BASE; ; k += BASE) {
      if (pos >= input.length) return undefined
      const c = input.charCodeAt(pos++)
      const digit = c >= 48 && c <= 57 ? c - 22 : c >= 97 && c <= 122 ? c - 97 : BASE
      if (digit >= BASE) return undefined
      i += digit * w
      const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias
      if (digit < t) break
      w *= BASE - t
      if (w > 0x7fffffff) return undefined
    }
    bias = adapt(i - old, out.length + 1, old === 0)
    n += Math.floor(i / (out.length + 1))
    i %= out.length + 1
    if (n > 0x10ffff) return undefined
    out.splice(i++, 0, n)
  }
  return String.fromCodePoint(...out)
}

/** The host as people read it (Unicode labels). */
export function unicodeHost(host: string): string {
  return host
    .split('.')
    .map((l) => decodeLabel(l) ?? l)
    .join('.')
}

const SCRIPTS = [
  'Latin',
  'Cyrillic',
  'Greek',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Han',
  'Hiragana',
  'Katakana',
  'Hangul',
  'Thai',
  'Devanagari',
  'Georgian',
  'Cherokee'
] as const
const scriptOf = (ch: string): string | undefined => SCRIPTS.find((s) => new RegExp(`\\p{Script=${s}}`, 'u').test(ch))
/** Cyrillic and Greek letters that look like Latin ones. */
const LATIN_LOOKING = /^[аеорсухӏіјѕԁһԛԝѵАВЕКМНОРСТХІЈЅοαεικνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ]+$/u

export type Lookalike = 'mixed-script' | 'latin-lookalike' | 'bad-punycode'

/** Why a host name could pass for another, or undefined when it reads as what it is. */
export function lookalike(host: string): Lookalike | undefined {
  for (const raw of host.split('.')) {
    const label = decodeLabel(raw)
    if (label === undefined) return 'bad-punycode'
    const letters = [...label].filter((c) => /\p{L}/u.test(c))
    const scripts = new Set(letters.map(scriptOf).filter(Boolean))
    // Japanese mixes Han and kana by design.
    const japanese = [...scripts].every((s) => s === 'Han' || s === 'Hiragana' || s === 'Katakana')
    if (scripts.size > 1 && !japanese) return 'mixed-script'
    if (/^xn--/i.test(raw) && LATIN_LOOKING.test(letters.join(''))) return 'latin-lookalike'
  }
  return undefined
}

/** The hosts a candidate or account would talk to, with their registrable domains and flags. */
export function hostFacts(hosts: string[]): Array<{ host: string; shown: string; domain: string; flag?: Lookalike }> {
  return [...new Set(hosts.map((h) => h.toLowerCase()))].map((host) => ({
    host,
    shown: unicodeHost(host),
    domain: unicodeHost(registrableDomain(host)),
    flag: lookalike(host)
  }))
}
