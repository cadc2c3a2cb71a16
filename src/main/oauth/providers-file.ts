// The schema of resources/oauth-providers.json, apart from the sign-in code (providers.ts) so
// that the discovery's provider table (builtin.ts), which validates the same file when it
// changed after the build, loads without the OAuth and HTTP modules.
import { z } from 'zod'
import { lazySchema } from '../../shared/lazy-schema'

const httpsUrl = lazySchema(() =>
  z
    .string()
    .url()
    .max(2048)
    .refine((u) => u.startsWith('https://'), 'https only')
)
const tenant = lazySchema(() => z.string().regex(/^[A-Za-z0-9.-]{1,100}$/))
const clientId = lazySchema(() =>
  z
    .string()
    .max(400)
    .regex(/^[\x21-\x7e]*$/)
)

export const ProviderEntry = lazySchema(() =>
  z.object({
    id: z.string().regex(/^[a-z0-9-]{1,50}$/),
    name: z.string().max(100),
    /** Other ids the discovery provider table uses for the same sign-in (e.g. microsoft365, gmail). */
    aliases: z.array(z.string().max(50)).max(20).default([]),
    /** Hosts (or https URLs) by which autoconfig `oAuth2/issuer` and `authURL` name this provider. */
    issuers: z.array(z.string().max(300)).max(20),
    /** May contain {tenant}. */
    authorizationEndpoint: httpsUrl,
    tokenEndpoint: httpsUrl,
    revocationEndpoint: httpsUrl.optional(),
    tenant: tenant.optional(),
    clientId,
    scope: z.string().max(2048),
    scopes: z.record(z.string(), z.string().max(500)).optional(),
    extraAuthParams: z.record(z.string().max(50), z.string().max(200)).default({}),
    /** Repeat the scope on refresh (Microsoft's v2 endpoint asks for it; RFC 6749 lets it be left out). */
    refreshWithScope: z.boolean().default(false)
  })
)
export type ProviderEntry = z.infer<typeof ProviderEntry>

export const ProvidersFile = lazySchema(() =>
  z.object({ version: z.literal(1), providers: z.array(ProviderEntry).max(50) })
)
