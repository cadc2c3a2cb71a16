// The domain check for IT teams (`mail-setup domain`): what every discovery source publishes
// for a domain, how each named server answers, and what is wrong with the publication.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { Candidate, Protocol, Security, SourceId, SourceReport } from './domain'
import { SOURCE_REASONS } from './source-reason'

export const FindingCode = lazySchema(() =>
  z.enum([
    'nothing-published',
    'autoconfig-http-only',
    'autoconfig-placeholder',
    'socket-port-mismatch',
    'plaintext-server',
    'sources-disagree',
    'no-srv',
    'host-not-answering',
    'cert-expired',
    'cert-expiring',
    'cert-name-mismatch',
    'cert-untrusted'
  ])
)
export type FindingCode = z.infer<typeof FindingCode>

export const Finding = lazySchema(() =>
  z.object({
    code: FindingCode,
    level: z.enum(['error', 'warning', 'info']),
    /** What it is about: a URL, host:port or source names. Words come from the locale files. */
    subject: z.string().max(2000)
  })
)
export type Finding = z.infer<typeof Finding>

/** One autoconfig URL, fetched on its own (the discovery sources merge both URLs of a scheme). */
export const PublishedFile = lazySchema(() =>
  z.object({
    url: z.string().max(2048),
    state: z.enum(['found', 'nothing', 'failed']),
    reason: z.enum(SOURCE_REASONS).optional(),
    servers: z.number().int().min(0)
  })
)
export type PublishedFile = z.infer<typeof PublishedFile>

export const HostCertificate = lazySchema(() =>
  z.object({
    names: z.array(z.string().max(300)).max(500),
    issuer: z.string().max(1000),
    validTo: z.string().max(100),
    daysLeft: z.number().int(),
    chainTrusted: z.boolean(),
    /** Whether it carries this server's name (the one fact here that belongs to the server, not the certificate). */
    hostMatches: z.boolean(),
    /** SHA-256 of the certificate: servers showing the same one are grouped under it. */
    fingerprint256: z.string().max(200)
  })
)
export type HostCertificate = z.infer<typeof HostCertificate>

/** A server some source names, probed without signing in. */
export const HostCheck = lazySchema(() =>
  z.object({
    protocol: Protocol,
    host: z.string().max(253),
    port: z.number().int().min(1).max(65535),
    security: Security,
    namedBy: z.array(SourceId).max(16),
    answers: z.boolean(),
    /** Diagnosis code of the step that failed, when it did. */
    problem: z.string().max(100).optional(),
    tlsVersion: z.string().max(40).optional(),
    certificate: HostCertificate.optional(),
    ms: z.number().min(0)
  })
)
export type HostCheck = z.infer<typeof HostCheck>

export const DomainHealth = lazySchema(() =>
  z.object({
    domain: z.string().max(253),
    sources: z.array(SourceReport),
    candidates: z.array(Candidate),
    published: z.array(PublishedFile),
    hosts: z.array(HostCheck),
    findings: z.array(Finding),
    ms: z.number()
  })
)
export type DomainHealth = z.infer<typeof DomainHealth>

/** What the admin should publish for the servers they confirmed (file name → content). */
export const PublishFiles = lazySchema(() =>
  z.object({
    'config-v1.1.xml': z.string(),
    'srv.zone': z.string(),
    'autodiscover.xml': z.string()
  })
)
export type PublishFiles = z.infer<typeof PublishFiles>

/** Whether a publication channel now names exactly the confirmed servers. */
export const RecheckRow = lazySchema(() =>
  z.object({
    source: z.enum(['autoconfig-https', 'srv', 'autodiscover']),
    state: z.enum(['matches', 'differs', 'missing']),
    missing: z.array(z.string().max(400)).max(64),
    extra: z.array(z.string().max(400)).max(64)
  })
)
export type RecheckRow = z.infer<typeof RecheckRow>
