// Verification types: a probe is one host:port tried step by step.
import { z } from 'zod'
import { lazySchema } from './lazy-schema'
import { Diagnosis } from './diagnosis'
import { Candidate, ServerSettings, IncomingProtocol, SpecialFolders } from './domain'

export const StepName = lazySchema(() =>
  z.enum(['dns', 'tcp', 'tls', 'certificate', 'greeting', 'capabilities', 'auth'])
)
export type StepName = z.infer<typeof StepName>

export const StepState = lazySchema(() => z.enum(['pending', 'running', 'ok', 'failed', 'skipped']))
export type StepState = z.infer<typeof StepState>

export const ProbeStep = lazySchema(() =>
  z.object({
    name: StepName,
    state: StepState,
    ms: z.number().min(0).optional(),
    /** Short machine-readable outcome, e.g. '127.0.0.2', 'TLSv1.3', 'AUTH=PLAIN LOGIN'. */
    info: z.string().max(1000).optional()
  })
)
export type ProbeStep = z.infer<typeof ProbeStep>

export const CertificateInfo = lazySchema(() =>
  z.object({
    subject: z.string().max(1000),
    subjectAltNames: z.array(z.string().max(300)).max(500),
    issuer: z.string().max(1000),
    validFrom: z.string(),
    validTo: z.string(),
    fingerprint256: z.string().max(200),
    tlsVersion: z.string().max(40).optional(),
    hostMatches: z.boolean(),
    chainTrusted: z.boolean(),
    selfSigned: z.boolean(),
    /** True when the user chose to trust this exact certificate for this host. */
    trustedByUser: z.boolean().optional(),
    /** Which trust store holds the CA that vouched for the chain (net/trust.ts). */
    trustStore: z.enum(['system', 'node-extra', 'app-extra', 'bundled']).optional()
  })
)
export type CertificateInfo = z.infer<typeof CertificateInfo>

export const TranscriptLine = lazySchema(() =>
  z.object({
    /** Milliseconds since the probe started. */
    t: z.number(),
    /** c: client to server, s: server to client, i: what the tool did. */
    dir: z.enum(['c', 's', 'i']),
    text: z.string().max(2000)
  })
)
export type TranscriptLine = z.infer<typeof TranscriptLine>

/** Which form of the user name the server took: the one given, the address, its local part, Exchange's DOMAIN\\user. */
export const UsernameForm = lazySchema(() => z.enum(['given', 'address', 'local-part', 'exchange-domain-user']))
export type UsernameForm = z.infer<typeof UsernameForm>

export const ProbeState = lazySchema(() => z.enum(['running', 'ok', 'failed', 'cancelled', 'skipped']))

export const Probe = lazySchema(() =>
  z.object({
    id: z.string().max(200),
    role: z.enum(['incoming', 'outgoing']),
    settings: ServerSettings,
    state: ProbeState,
    steps: z.array(ProbeStep),
    certificate: CertificateInfo.optional(),
    /** SASL mechanisms the server offered once it was safe to ask. */
    authMechanisms: z.array(z.string().max(100)).max(64).optional(),
    capabilities: z.array(z.string().max(200)).max(200).optional(),
    diagnosis: Diagnosis.optional(),
    /** The user name form the server took on a password sign-in (settings.username holds it). */
    usernameForm: UsernameForm.optional(),
    /** IMAP: the special-use folders the server listed once signed in. */
    folders: SpecialFolders.optional(),
    transcript: z.array(TranscriptLine).max(2000),
    ms: z.number().min(0)
  })
)
export type Probe = z.infer<typeof Probe>

/** Per-host exceptions the user granted explicitly in this session. */
export const HostException = lazySchema(() =>
  z.object({
    host: z.string().max(253),
    port: z.number().int().min(1).max(65535),
    /** Trust this certificate (self-signed or other host name) for this host:port. */
    fingerprint256: z.string().max(200).optional(),
    /** Allow a password over an unencrypted connection to this host:port. */
    allowPlaintext: z.boolean().optional()
  })
)
export type HostException = z.infer<typeof HostException>

export const Credentials = lazySchema(() =>
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('password'), password: z.string().min(1).max(1024) }),
    /** Use the password already given in this session for this address (renderer never re-sends it). */
    z.object({ kind: z.literal('session') }),
    z.object({ kind: z.literal('oauth2'), sessionId: z.string().max(200) }),
    /** Only probe connection, TLS and capabilities; no sign-in. */
    z.object({ kind: z.literal('none') })
  ])
)
export type Credentials = z.infer<typeof Credentials>

export const VerifyResult = lazySchema(() =>
  z.object({
    incoming: Probe.optional(),
    outgoing: Probe.optional(),
    probes: z.array(Probe),
    /** The most useful diagnosis when either side failed. */
    diagnosis: Diagnosis.optional(),
    ms: z.number()
  })
)
export type VerifyResult = z.infer<typeof VerifyResult>

export const RoundTripResult = lazySchema(() =>
  z.object({
    ok: z.boolean(),
    messageId: z.string().max(500).optional(),
    sentMs: z.number().optional(),
    deliveredMs: z.number().optional(),
    removed: z.boolean().optional(),
    diagnosis: Diagnosis.optional()
  })
)
export type RoundTripResult = z.infer<typeof RoundTripResult>

export { Candidate, IncomingProtocol }
