// Verification service entry (stub: the verification work fills this in).
import type { HostException, Probe, RoundTripResult, VerifyResult } from '../../shared/verify'
import type { ServerSettings } from '../../shared/domain'
import type { Dns } from '../net/dns'
import { fail } from '../errors'

/** The secret a probe signs in with; resolved in main, never from the renderer twice. */
export type Secret =
  | { kind: 'password'; password: string }
  | { kind: 'oauth2'; accessToken: () => Promise<string> }
  | { kind: 'none' }

export interface VerifyContext {
  dns: Dns
  ca: string[]
  signal: AbortSignal
  onProbe(probe: Probe): void
}

export interface VerifyInput {
  address: string
  incoming: ServerSettings[]
  outgoing: ServerSettings[]
  secret: Secret
  exceptions: HostException[]
}

export async function verify(input: VerifyInput, ctx: VerifyContext): Promise<VerifyResult> {
  void input
  void ctx
  return fail('unsupported', { detail: 'verification not built yet' })
}

export interface RoundTripInput {
  address: string
  incoming: ServerSettings
  outgoing: ServerSettings
  secret: Secret
  exceptions: HostException[]
}

export type RoundTripStage = 'sending' | 'sent' | 'waiting' | 'delivered' | 'removing' | 'done' | 'failed'

export async function roundTrip(
  input: RoundTripInput,
  ctx: Omit<VerifyContext, 'onProbe'> & { onStage(stage: RoundTripStage): void }
): Promise<RoundTripResult> {
  void input
  void ctx
  return fail('unsupported', { detail: 'round trip not built yet' })
}
