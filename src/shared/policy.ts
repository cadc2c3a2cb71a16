// What the wizard may know of the organisation's policy (src/main/policy/): who manages this
// computer, whom to ask, which choices are fixed. Main enforces every rule itself; this view
// only lets the wizard show them (a banner, locked fields, the support contact on error cards).
// It is the `policySummary` operation's answer, parsed with this schema on the way out, so
// nothing the schema does not name (OAuth client ids and settings) ever reaches the page.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { ExportFormatId } from './account'
import { IncomingProtocol, Security } from './domain'

export const SupportContact = lazySchema(() =>
  z.object({
    name: z.string().max(100).optional(),
    email: z.string().max(320).optional(),
    phone: z.string().max(50).optional(),
    url: z.string().max(2048).optional()
  })
)
export type SupportContact = z.infer<typeof SupportContact>

/** One locked server as the policy fixes it; the user name follows the address (or its local part). */
export const LockedServer = lazySchema(() =>
  z.object({
    protocol: z.enum(['imap', 'pop3', 'smtp']),
    host: z.string().max(253),
    port: z.number().int().min(1).max(65535),
    security: Security,
    username: z.enum(['address', 'local'])
  })
)
export type LockedServer = z.infer<typeof LockedServer>

export const LockedDomains = lazySchema(() =>
  z.object({
    domains: z.array(z.string().max(253)),
    incoming: LockedServer,
    outgoing: LockedServer
  })
)
export type LockedDomains = z.infer<typeof LockedDomains>

export const PolicyView = lazySchema(() =>
  z.object({
    /** A policy file is in force (and valid). */
    active: z.boolean(),
    /** Found where only an administrator can write (policy-location.ts). */
    managed: z.boolean(),
    /** Where the file in force (or the one that could not be used) is: a path on this computer. */
    file: z.string().max(4096).optional(),
    organisation: z.string().max(100).optional(),
    support: SupportContact.optional(),
    /** Incoming protocols the wizard may offer; all when absent. */
    protocols: z.array(IncomingProtocol).optional(),
    /** Connection security allowed; when absent the app's own rules alone apply. */
    security: z.array(Security).optional(),
    minTlsVersion: z.enum(['TLSv1.2', 'TLSv1.3']).optional(),
    lockedServers: z.array(LockedDomains),
    hiddenFormats: z.array(ExportFormatId),
    defaults: z.object({ exportFormat: ExportFormatId.optional(), storePassword: z.boolean().optional() }),
    /** The policy file could not be used: nothing of it applies, and this says why. */
    problem: z.object({ file: z.string().max(4096), issues: z.array(z.string().max(500)).max(20) }).optional()
  })
)
export type PolicyView = z.infer<typeof PolicyView>
