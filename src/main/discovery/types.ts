// What every discovery source receives and returns. Sources never throw for expected
// failures: they return an outcome with a machine reason code.
import type { Candidate, SourceId } from '../../shared/domain'
import type { SourceReason } from '../../shared/source-reason'
import type { Config } from '../config'
import type { Dns } from '../net/dns'
import type { ProviderTable } from './builtin'

export interface Addr {
  address: string
  local: string
  domain: string
  asciiDomain: string
}

/** A candidate before the orchestrator gives it an id and a score. */
export type Draft = Omit<Candidate, 'id' | 'score'>

export interface MxInfo {
  /** Lowest-preference MX host (lower case, no trailing dot); undefined when none. */
  host?: string
  /** Why there is no host: 'nxdomain', 'no-mx', 'dns-error', 'offline'. */
  reason?: SourceReason
}

export interface SourceContext {
  addr: Addr
  config: Config
  dns: Dns
  ca: string[]
  signal: AbortSignal
  /** This source's own budget, already capped by the global deadline. */
  timeoutMs: number
  offline: boolean
  password?: string
  providers: ProviderTable
  /** MX of the address's domain, asked once and shared by every source. */
  mx(): Promise<MxInfo>
  /**
   * Autoconfig files naming a domain, by every <domain> element (folder-index.ts): `local` is
   * the shipped isp/ folder, the admin folders and --isp-dir; `ispdb` the shipped ISPDB copy.
   * Each folder is indexed once per run.
   */
  folderFiles(folders: 'local' | 'ispdb', domain: string): Promise<string[]>
}

export type SourceOutcome =
  | { state: 'found'; candidates: Draft[]; detail?: string }
  | { state: 'nothing' | 'failed' | 'skipped'; reason: SourceReason; detail?: string }

export interface Source {
  id: SourceId
  /** Needs the network (turned off by --offline). */
  network: boolean
  /** Own timeout in ms (the global deadline may cut it shorter). */
  timeoutMs: number
  run(ctx: SourceContext): Promise<SourceOutcome>
}

export const nothing = (reason: SourceReason, detail?: string): SourceOutcome => ({ state: 'nothing', reason, detail })
export const failed = (reason: SourceReason, detail?: string): SourceOutcome => ({ state: 'failed', reason, detail })
export const found = (candidates: Draft[], detail?: string): SourceOutcome =>
  candidates.length ? { state: 'found', candidates, detail } : { state: 'nothing', reason: 'no-servers', detail }
