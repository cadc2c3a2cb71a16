// Discovery orchestrator (stub: the discovery work fills this in).
import type { Candidate, DiscoveryResult, SourceReport } from '../../shared/domain'
import type { Config } from '../config'
import type { Dns } from '../net/dns'
import { fail } from '../errors'

export interface DiscoveryOptions {
  config: Config
  dns: Dns
  /** Trust store for HTTPS sources. */
  ca: string[]
  signal: AbortSignal
  deadlineMs: number
  offline: boolean
  onReport(report: SourceReport): void
  onCandidate(candidate: Candidate): void
  /** Only for Exchange Autodiscover over HTTPS within the domain. */
  password?: string
}

export async function discover(address: string, opts: DiscoveryOptions): Promise<DiscoveryResult> {
  void address
  void opts
  return fail('unsupported', { detail: 'discovery not built yet' })
}
