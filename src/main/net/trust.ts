// The trust store: what the operating system trusts, plus NODE_EXTRA_CA_CERTS, plus the app's
// own MAIL_SETUP_EXTRA_CA, plus Node's bundled Mozilla list. Built once per process (parsing
// ~150 roots into a TLS context costs milliseconds of CPU), shared by every TLS connection, and
// able to say which of those stores vouched for a server's certificate.
//
// What each platform gets:
// - Linux: the distribution's bundle (the first of the usual files that exists, or the file
//   SSL_CERT_FILE names; MAIL_SETUP_SYSTEM_CA overrides both, for tests and unusual layouts).
// - macOS and Windows: the system stores through tls.getCACertificates('system') where the
//   runtime has it (Node 22.15+/23.5+, so current Electron); Node 20 has no such API, and there
//   these platforms get Node's bundled list plus the two variables only.
import { existsSync, readFileSync } from 'node:fs'
import { nodeTls } from './builtins'
import type { DetailedPeerCertificate, SecureContext } from 'node:tls'

export type TrustStoreName = 'system' | 'node-extra' | 'app-extra' | 'bundled'

export interface TrustStore {
  /** Every trusted CA, PEM, each once. */
  pems: string[]
  /** Where each CA came from, by its DER in base64 (see derKey). */
  origins: Map<string, TrustStoreName>
  /** Which store a verified chain ends in. */
  vouchedBy(cert: DetailedPeerCertificate): TrustStoreName | undefined
  /** The CAs that are not in Node's bundled list (the TLS context adds only these to it). */
  beyondBundled: string[]
}

export const LINUX_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem'
]

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

export function splitPem(text: string): string[] {
  return text.match(PEM_BLOCK) ?? []
}

function readPemFile(file: string | undefined): string[] {
  if (!file) return []
  try {
    return splitPem(readFileSync(file, 'utf8'))
  } catch {
    return []
  }
}

/** The OS store's certificates (see the header for what each platform gets). */
export function systemCertificates(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string[] {
  if (env.MAIL_SETUP_SYSTEM_CA !== undefined) return readPemFile(env.MAIL_SETUP_SYSTEM_CA)
  const api = (nodeTls() as { getCACertificates?: (kind: string) => string[] }).getCACertificates
  if (platform !== 'linux' && typeof api === 'function') {
    try {
      return api('system')
    } catch {
      return []
    }
  }
  if (platform === 'win32' || platform === 'darwin') return []
  const file =
    env.SSL_CERT_FILE && existsSync(env.SSL_CERT_FILE) ? env.SSL_CERT_FILE : LINUX_BUNDLES.find((f) => existsSync(f))
  return readPemFile(file)
}

/**
 * A certificate's identity without parsing or hashing it: its DER in base64, as the PEM holds it
 * between the armour lines. A full X509 parse of each of the ~300 roots (OS bundle, Node's list,
 * often the OS bundle again through NODE_EXTRA_CA_CERTS) cost a quarter to half a second of CPU
 * at every start on a busy machine, and a SHA-256 of each still 5-10 ms. Blocks that are not
 * even a DER SEQUENCE ("M" is the base64 of its first byte, 0x30; 64 bytes at least) are left
 * out; OpenSSL skips any other unusable one when it builds the TLS context, as it did before.
 */
function derKey(pem: string): string | undefined {
  const body = pem.slice('-----BEGIN CERTIFICATE-----'.length, pem.lastIndexOf('-----END')).replace(/\s+/g, '')
  return body.length >= 88 && body.startsWith('M') ? body : undefined
}

/**
 * Builds the store. Order matters only for the origin named: a root in several stores is
 * credited to the first (app-extra, node-extra, system, bundled), the most specific reason.
 */
export function buildTrustStore(
  env: NodeJS.ProcessEnv,
  appExtraPem: string[],
  platform: NodeJS.Platform = process.platform
): TrustStore {
  const sources: Array<[TrustStoreName, string[]]> = [
    ['app-extra', appExtraPem.flatMap(splitPem)],
    ['node-extra', readPemFile(env.NODE_EXTRA_CA_CERTS)],
    ['system', systemCertificates(env, platform)],
    ['bundled', [...nodeTls().rootCertificates]]
  ]
  const pems: string[] = []
  const origins = new Map<string, TrustStoreName>()
  const keys: string[] = []
  const bundled = new Set<string>()
  for (const [name, list] of sources) {
    for (const pem of list) {
      const key = derKey(pem)
      if (key && name === 'bundled') bundled.add(key)
      if (!key || origins.has(key)) continue
      origins.set(key, name)
      pems.push(pem)
      keys.push(key)
    }
  }
  return {
    pems,
    origins,
    beyondBundled: pems.filter((_, i) => !bundled.has(keys[i]!)),
    vouchedBy(cert) {
      // Node completes the peer chain with the trust anchor from the store it verified against.
      const seen = new Set<string>()
      let found: TrustStoreName | undefined
      for (
        let c: DetailedPeerCertificate | undefined = cert;
        c && !seen.has(c.fingerprint256);
        c = c.issuerCertificate
      ) {
        seen.add(c.fingerprint256)
        found = (c.raw && origins.get(c.raw.toString('base64'))) || found
      }
      return found
    }
  }
}

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3'

// One TLS context per CA list and lowest TLS version for the life of the process (the list is
// built once at start-up; an organisation's policy may ask for TLS 1.3).
// For a store built here the context starts from Node's bundled roots, which Node keeps parsed
// in one shared store, and adds only the CAs beyond them (the OS bundle is mostly the same
// Mozilla list): the same trust anchors as passing all ~160 as `ca`, which costs 40-100 ms of
// CPU at the first HTTPS request on a busy machine (OpenSSL also lists every CA passed as a
// client-CA name, one by one), against 3-12 ms.
const contexts = new WeakMap<string[], Map<TlsVersion, SecureContext>>()

/** The context secureContextFor would return, if it is built already (net/http.ts). */
export function builtSecureContext(ca: string[], minVersion: TlsVersion = 'TLSv1.2'): SecureContext | undefined {
  return contexts.get(ca)?.get(minVersion)
}

export function secureContextFor(ca: string[], minVersion: TlsVersion = 'TLSv1.2'): SecureContext {
  let byVersion = contexts.get(ca)
  if (!byVersion) contexts.set(ca, (byVersion = new Map()))
  let ctx = byVersion.get(minVersion)
  if (!ctx) {
    const store = stores.get(ca)
    // Without `ca`, Node starts the context from its bundled roots; `context` is the native
    // side Node's own tls code adds CAs through.
    const native =
      store &&
      (nodeTls().createSecureContext({ minVersion }) as SecureContext & { context?: { addCACert?(pem: string): void } })
    if (native && typeof native.context?.addCACert === 'function') {
      for (const pem of store.beyondBundled) native.context.addCACert(pem)
      ctx = native
    } else {
      ctx = nodeTls().createSecureContext({ ca, minVersion })
    }
    byVersion.set(minVersion, ctx)
  }
  return ctx
}

// The store each CA list was built from, so the certificate step can name it.
const stores = new WeakMap<string[], TrustStore>()
export function registerStore(store: TrustStore): string[] {
  stores.set(store.pems, store)
  return store.pems
}
export function storeOf(ca: string[]): TrustStore | undefined {
  return stores.get(ca)
}
