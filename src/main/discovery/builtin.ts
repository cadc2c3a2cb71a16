// The built-in provider table (resources/providers.json): matched by the address's domain,
// then by its MX host (Microsoft 365 and Google Workspace custom domains).
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { lazySchema } from '../../shared/lazy-schema'
import { OAuth2Settings, Protocol, ServerSettings, type Trust } from '../../shared/domain'
import { expandPlaceholders } from './autoconfig-tree'
import { ProvidersFile, type ProviderEntry } from '../oauth/providers-file'
import { found, nothing, type Addr, type Draft, type Source } from './types'
import { SHIPPED_PROVIDERS } from './shipped-providers'

const Provider = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    domains: z.array(z.string()),
    /** Any subdomain of these matches too (tenant.onmicrosoft.com). */
    domainSuffixes: z.array(z.string()).default([]),
    /** Regular expressions on the MX host. */
    mx: z.array(z.string()).default([]),
    /** Host names under these belong to this provider, whichever source named them. */
    serverDomains: z.array(z.string()).default([]),
    /** The wizard's sign-in advice and the pages the system browser may open for it. */
    signIn: z
      .object({
        advice: z
          .string()
          .regex(/^[a-z0-9-]+$/)
          .optional(),
        appPasswordUrl: z.string().url().startsWith('https://').optional(),
        helpUrl: z.string().url().startsWith('https://').optional(),
        passwords: z.boolean().optional()
      })
      .default({}),
    protocols: z.array(Protocol),
    incoming: z.array(ServerSettings),
    outgoing: z.array(ServerSettings),
    oauth2: OAuth2Settings.optional(),
    documentationUrl: z.string().optional(),
    notes: z.array(z.string()).optional()
  })
)
export type Provider = z.infer<typeof Provider>

export interface ProviderTable {
  providers: Provider[]
  byDomain(domain: string): Provider | undefined
  byMx(host: string): Provider | undefined
}

export function createProviderTable(providers: Provider[]): ProviderTable {
  const mx = providers.map((p) => ({ p, res: p.mx.map((r) => new RegExp(r, 'i')) }))
  return {
    providers,
    byDomain(domain) {
      const d = domain.toLowerCase()
      return providers.find((p) => p.domains.includes(d) || p.domainSuffixes.some((s) => d.endsWith(`.${s}`)))
    },
    byMx(host) {
      const h = host.toLowerCase().replace(/\.$/, '')
      return mx.find(({ res }) => res.some((r) => r.test(h)))?.p
    }
  }
}

const cache = new Map<string, ProviderTable>()

/**
 * A provider's OAuth2 settings from the sign-in table (resources/oauth-providers.json) that
 * serves its id: the endpoints and scope have their one home there. A provider the sign-in
 * table does not know keeps the oauth2 element of its own entry.
 */
function withSignIn(p: Provider, signIns: ProviderEntry[]): Provider {
  const s = p.oauth2 ? undefined : signIns.find((e) => e.id === p.id || e.aliases.includes(p.id))
  if (!s?.issuers[0]) return p
  const url = (u: string): string => u.replace('{tenant}', s.tenant ?? 'common')
  return {
    ...p,
    oauth2: {
      issuer: s.issuers[0],
      scope: s.scope,
      authURL: url(s.authorizationEndpoint),
      tokenURL: url(s.tokenEndpoint)
    }
  }
}

/** The two files the table is made of, as text (the sign-in table may be absent). */
function tableFiles(resourcesDir: string): { providers: string; signIn?: string } {
  const signInFile = join(resourcesDir, 'oauth-providers.json')
  return {
    providers: readFileSync(join(resourcesDir, 'providers.json'), 'utf8'),
    signIn: existsSync(signInFile) ? readFileSync(signInFile, 'utf8') : undefined
  }
}

const tableKey = (files: { providers: string; signIn?: string }): string =>
  createHash('sha256')
    .update(files.providers)
    .update('\0')
    .update(files.signIn ?? '')
    .digest('hex')

/** The providers of these files, validated, each with the OAuth2 settings of its sign-in entry. */
function validateTable(files: { providers: string; signIn?: string }): Provider[] {
  const raw = JSON.parse(files.providers) as { providers?: unknown }
  const signIns = files.signIn ? ProvidersFile.parse(JSON.parse(files.signIn)).providers : []
  return z
    .array(Provider)
    .parse(raw.providers ?? [])
    .map((p) => withSignIn(p, signIns))
}

/** For the build: the key and validated table of a resources folder (see shipped-providers.ts). */
export function providersForBuild(resourcesDir: string): [string, Provider[]] {
  const files = tableFiles(resourcesDir)
  return [tableKey(files), validateTable(files)]
}

/**
 * Loads and validates `<resourcesDir>/providers.json` (with its OAuth2 from oauth-providers.json)
 * once per folder; files the build already validated, unchanged since, are not validated again.
 */
export function loadProviderTable(resourcesDir: string): ProviderTable {
  const hit = cache.get(resourcesDir)
  if (hit) return hit
  const files = tableFiles(resourcesDir)
  const table = createProviderTable(SHIPPED_PROVIDERS.get(tableKey(files)) ?? validateTable(files))
  cache.set(resourcesDir, table)
  return table
}

/** The provider's settings for this address, as a candidate draft. */
export function providerDraft(p: Provider, addr: Addr, trust: Trust, source: Draft['source'] = 'builtin'): Draft {
  const expand = (s: ServerSettings): ServerSettings => ({ ...s, username: expandPlaceholders(s.username, addr) })
  return {
    source,
    trust,
    providerId: p.id,
    providerName: p.name,
    incoming: p.incoming.map(expand),
    outgoing: p.outgoing.map(expand),
    oauth2: p.oauth2,
    documentationUrl: p.documentationUrl
  }
}

export const builtinSource: Source = {
  id: 'builtin',
  network: false,
  timeoutMs: 4000,
  async run(ctx) {
    const byDomain = ctx.providers.byDomain(ctx.addr.asciiDomain)
    if (byDomain)
      return found([
        providerDraft(byDomain, ctx.addr, { level: 'trusted', reason: 'builtin', subject: ctx.addr.asciiDomain })
      ])
    // Custom domains hosted by a known provider show it in their MX.
    if (ctx.offline) return nothing('no-match', 'no built-in provider for the domain; MX not asked (offline)')
    const mx = await ctx.mx()
    if (!mx.host) return nothing('no-match', `no built-in provider for the domain; MX: ${mx.reason ?? 'none'}`)
    const byMx = ctx.providers.byMx(mx.host)
    if (!byMx) return nothing('no-match', `no built-in provider for the domain or MX ${mx.host}`)
    return found(
      [providerDraft(byMx, ctx.addr, { level: 'trusted', reason: 'mx-known-provider', subject: mx.host })],
      `MX ${mx.host}`
    )
  }
}
