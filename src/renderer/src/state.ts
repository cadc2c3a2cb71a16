// The wizard's state: everything the user entered and everything the main side answered.
// Kept in one object so moving back and forward between steps never loses anything.
// The password is held only until the check that sends it (App drops it on entering any
// other step); once sent to the main side it is cleared here and later checks use the session's copy.
import type { Account, ExportFormatId, KeychainStatus } from '../../shared/account'
import type { Candidate, DiscoveryResult, IncomingProtocol, ServerSettings, SourceReport } from '../../shared/domain'
import type { HostException, VerifyResult } from '../../shared/verify'
import type { Diagnosis, DiagnosisCode } from '../../shared/diagnosis'
import type { SetupChoices } from '../../shared/setup'
import { withPort25 } from '../../shared/submission'

export type StepId =
  'address' | 'finding' | 'protocol' | 'signin' | 'checking' | 'manual' | 'done' | 'troubleshoot' | 'domain' | 'bulk'

export interface ManualSettings {
  incoming: ServerSettings
  outgoing: ServerSettings
}

/** The manual form as typed (strings), kept so Back and Forward never lose an edit. */
export interface DraftServer {
  protocol: 'imap' | 'pop3' | 'smtp'
  host: string
  port: string
  security: ServerSettings['security']
  auth: ServerSettings['auth'][number]
  username: string
}
export interface ManualDraft {
  incoming: DraftServer
  outgoing: DraftServer
}

/** A sign-in the server refused: the username form tried, and which field is most likely wrong. */
export interface Refusal {
  username: string
  code: DiagnosisCode
  field?: 'username' | 'password'
}

export interface WizardState {
  step: StepId
  /** Steps visited before this one, for Back. */
  trail: StepId[]
  name: string
  address: string
  /** The address the current discovery belongs to. */
  discoveredFor?: string
  /** The setup session in main that keeps what was found, checked and saved for an address. */
  session?: { id: string; address: string }
  discovery?: DiscoveryResult
  discoveryError?: Diagnosis
  sources: Record<string, SourceReport>
  candidateId?: string
  /** Candidates the user confirmed after seeing why they need confirmation. */
  confirmed: string[]
  protocol: IncomingProtocol
  leaveOnServer: boolean
  deleteAfterDays: boolean
  daysToLeave: number
  /** Username as edited on the sign-in step; undefined means the found settings' own. */
  username?: string
  password: string
  /** The main side holds a password for this address from this session. */
  passwordGivenFor?: string
  /** Where that password was given: on the sign-in step, or to Exchange Autodiscover while finding settings. */
  passwordGivenOn?: 'signin' | 'finding'
  oauthSessionId?: string
  /** The last check's sign-in was refused: its password is not used again unless typed again. */
  refusal?: Refusal
  /**
   * Browser sign-in is needed but this build cannot do it (no client ID): the found settings are
   * saved unchecked, for mail programs that sign in themselves.
   */
  settingsOnly?: boolean
  manual?: ManualSettings
  manualDraft?: ManualDraft
  exceptions: HostException[]
  verify?: VerifyResult
  verifyError?: Diagnosis
  /** Helpdesk mode: details open, every probe shown. */
  helpdesk: boolean
  account?: Account
  /** The verified settings the saved account was made from. */
  accountFor?: string
  keychain?: KeychainStatus
  exportFormat?: ExportFormatId
}

export const initialState: WizardState = {
  step: 'address',
  trail: [],
  name: '',
  address: '',
  sources: {},
  confirmed: [],
  protocol: 'imap',
  leaveOnServer: true,
  deleteAfterDays: false,
  daysToLeave: 14,
  password: '',
  exceptions: [],
  helpdesk: false
}

export function selectedCandidate(s: WizardState): Candidate | undefined {
  const list = s.discovery?.candidates ?? []
  return list.find((c) => c.id === s.candidateId) ?? list[0]
}

export function offers(candidate: Candidate | undefined, protocol: IncomingProtocol): boolean {
  return Boolean(candidate?.incoming.some((e) => e.protocol === protocol))
}

/** The POP options chosen on the protocol step, as the settings carry them. */
export function pop3Options(s: WizardState): NonNullable<ServerSettings['pop3']> {
  return {
    leaveOnServer: s.leaveOnServer,
    ...(s.leaveOnServer && s.deleteAfterDays ? { daysToLeave: s.daysToLeave } : {})
  }
}

/**
 * What the next check (or an unchecked save) asks the setup session for: the session that found
 * the settings and the user's choices, or the servers the user typed. Never the servers found:
 * main plans from its own record.
 */
export function setupRequest(
  s: WizardState
): { sessionId?: string; address?: string; choices: SetupChoices } & Partial<
  Record<'incoming' | 'outgoing', ServerSettings[]>
> {
  const session = s.session?.address === s.address ? { sessionId: s.session.id } : { address: s.address }
  const username = s.username?.trim() || undefined
  if (s.manual)
    return { ...session, choices: { username }, incoming: [s.manual.incoming], outgoing: withPort25(s.manual.outgoing) }
  const candidateId = selectedCandidate(s)?.id
  return {
    ...session,
    choices: {
      candidateId,
      protocol: s.protocol,
      // Helpdesk checks try everything the provider offers; users check only what they chose.
      ...(s.helpdesk ? { everyProtocol: true } : {}),
      username,
      pop3: pop3Options(s),
      ...(candidateId && s.confirmed.includes(candidateId) ? { acceptUntrusted: true } : {})
    }
  }
}

/** The username the sign-in step shows before the user edits it. */
export function defaultUsername(s: WizardState): string {
  if (s.manual) return s.manual.incoming.username
  const c = selectedCandidate(s)
  return c?.incoming.find((e) => e.protocol === s.protocol)?.username ?? c?.incoming[0]?.username ?? s.address.trim()
}

export function newRunId(): string {
  return crypto.randomUUID()
}
