// The organisation's policy file: its format (zod, strict: a misspelt key is an error, not a
// rule silently left out), and reading it. A file that cannot be used (unreadable, not JSON,
// invalid, contradicting itself) is reported with every problem found, and nothing of it
// applies: a half-read policy could lock one thing and forget the next. Format: docs/admin.md.
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { lazySchema } from '../../shared/lazy-schema'
import { ExportFormatId } from '../../shared/account'
import type { PolicyView } from '../../shared/policy'
import type { PolicyLocation } from '../policy-location'

const MAX_FILE = 256 * 1024
const domain = lazySchema(() =>
  z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63}$/,
      'a domain in lower case ASCII (punycode), e.g. example.org'
    )
)
const host = lazySchema(() => z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name in ASCII (punycode)'))
const tenant = lazySchema(() => z.string().regex(/^[A-Za-z0-9.-]{1,100}$/))
const clientId = lazySchema(() =>
  z
    .string()
    .max(400)
    .regex(/^[\x21-\x7e]*$/)
)
const OAuthOverride = lazySchema(() =>
  z.strictObject({
    clientId: clientId.optional(),
    tenant: tenant.optional(),
    scope: z.string().max(2048).optional()
  })
)

const server = <P extends 'imap' | 'pop3' | 'smtp'>(protocols: readonly [P, ...P[]]) =>
  z.strictObject({
    protocol: z.enum(protocols),
    host,
    port: z.number().int().min(1).max(65535),
    // A locked server is never unencrypted: the policy cannot ask for passwords in clear.
    security: z.enum(['tls', 'starttls']),
    username: z.enum(['address', 'local']).default('address')
  })

export const PolicyFile = lazySchema(() =>
  z
    .strictObject({
      version: z.literal(1).optional(),
      organisation: z
        .strictObject({
          name: z.string().min(1).max(100),
          support: z
            .strictObject({
              name: z.string().min(1).max(100).optional(),
              email: z.email().max(320).optional(),
              phone: z
                .string()
                .regex(/^[0-9+() .-]{3,50}$/, 'a phone number (digits, spaces, + ( ) . -)')
                .optional(),
              url: z
                .url({ protocol: /^https$/ })
                .max(2048)
                .optional()
            })
            .refine(
              (s) => s.name || s.email || s.phone || s.url,
              'name at least one way to reach support: name, email, phone or url'
            )
            .optional()
        })
        .optional(),
      defaults: z
        .strictObject({ exportFormat: ExportFormatId.optional(), storePassword: z.boolean().optional() })
        .optional(),
      lockedServers: z
        .array(
          z.strictObject({
            domains: z.array(domain).min(1).max(1000),
            incoming: server(['imap', 'pop3']),
            outgoing: server(['smtp'])
          })
        )
        .max(100)
        .optional(),
      protocols: z.strictObject({ incoming: z.array(z.enum(['imap', 'pop3'])).min(1) }).optional(),
      security: z
        .strictObject({
          allowed: z
            .array(z.enum(['tls', 'starttls']))
            .min(1)
            .optional(),
          minTlsVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional()
        })
        .optional(),
      exports: z.strictObject({ hidden: z.array(ExportFormatId) }).optional(),
      oauth: z
        .strictObject({
          providers: z.record(z.string().max(50), OAuthOverride).default({}),
          /** Keyed by issuer as autoconfig names it (host or https URL). */
          issuers: z.record(z.string().max(300), OAuthOverride).default({})
        })
        .optional()
    })
    .superRefine((p, ctx) => {
      // Rules that contradict each other are a broken file, not a choice to guess at.
      const allowedProtocols = p.protocols?.incoming
      const allowedSecurity = p.security?.allowed
      p.lockedServers?.forEach((l, i) => {
        if (allowedProtocols && !allowedProtocols.includes(l.incoming.protocol)) {
          ctx.addIssue({
            code: 'custom',
            path: ['lockedServers', i, 'incoming', 'protocol'],
            message: `${l.incoming.protocol} is not in protocols.incoming`
          })
        }
        for (const side of ['incoming', 'outgoing'] as const) {
          if (allowedSecurity && !allowedSecurity.includes(l[side].security)) {
            ctx.addIssue({
              code: 'custom',
              path: ['lockedServers', i, side, 'security'],
              message: `${l[side].security} is not in security.allowed`
            })
          }
        }
      })
      const seen = new Map<string, number>()
      p.lockedServers?.forEach((l, i) =>
        l.domains.forEach((d) => {
          if (seen.has(d))
            ctx.addIssue({
              code: 'custom',
              path: ['lockedServers', i, 'domains'],
              message: `${d} is locked twice (also in lockedServers[${seen.get(d)}])`
            })
          seen.set(d, i)
        })
      )
      // The wizard says who manages what it locks or hides ("managed by …"), and so does every refusal.
      const rules = (['defaults', 'lockedServers', 'protocols', 'security', 'exports'] as const).filter(
        (k) => p[k] !== undefined
      )
      if (rules.length && !p.organisation)
        ctx.addIssue({
          code: 'custom',
          path: ['organisation'],
          message: `name the organisation (organisation.name): ${rules.join(', ')} are shown as its rules`
        })
      const format = p.defaults?.exportFormat
      if (format && p.exports?.hidden.includes(format))
        ctx.addIssue({
          code: 'custom',
          path: ['defaults', 'exportFormat'],
          message: `${format} is also in exports.hidden`
        })
    })
)
export type PolicyFile = z.output<typeof PolicyFile>

export type OAuthPolicy = NonNullable<PolicyFile['oauth']>

/** The policy in force: the parsed file, or nothing at all with what was wrong. */
export interface Policy {
  location?: PolicyLocation
  rules: PolicyFile
  problem?: { file: string; issues: string[] }
}

const NONE: PolicyFile = {}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map(
    (i) =>
      `${
        i.path.length
          ? i.path
              .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
              .join('')
              .replace(/^\./, '')
          : '(file)'
      }: ${i.message}`
  )
}

export function readPolicy(location: PolicyLocation | undefined): Policy {
  if (!location) return { rules: NONE }
  const bad = (issues: string[]): Policy => ({ location, rules: NONE, problem: { file: location.file, issues } })
  let text: string
  try {
    text = readFileSync(location.file, 'utf8')
  } catch (err) {
    return bad([`the file cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`])
  }
  if (text.length > MAX_FILE) return bad([`the file is larger than ${MAX_FILE / 1024} KiB`])
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    return bad([`not valid JSON: ${(err as Error).message.slice(0, 200)}`])
  }
  const parsed = PolicyFile.safeParse(json)
  return parsed.success ? { location, rules: parsed.data } : bad(issuesOf(parsed.error))
}

/** What the wizard may show of the policy (src/shared/policy.ts). */
export function policyView(policy: Policy): PolicyView {
  const r = policy.rules
  return {
    active: Boolean(policy.location && !policy.problem),
    managed: Boolean(policy.location?.managed),
    file: policy.location?.file,
    organisation: r.organisation?.name,
    support: r.organisation?.support,
    protocols: r.protocols?.incoming,
    security: r.security?.allowed,
    minTlsVersion: r.security?.minTlsVersion,
    lockedServers: r.lockedServers ?? [],
    hiddenFormats: r.exports?.hidden ?? [],
    defaults: { ...r.defaults },
    problem: policy.problem
  }
}
