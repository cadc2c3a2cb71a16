// The domain view's state and its runs: the check (live through `domain` events), then the
// files to publish for the servers the admin confirmed, and re-checks of what is live.
import type { Response } from '../../../../shared/api'
import type { Diagnosis } from '../../../../shared/diagnosis'
import type { ServerSettings, SourceReport } from '../../../../shared/domain'
import type { DomainHealth, HostCheck, PublishFiles, RecheckRow } from '../../../../shared/domain-health'
import { api } from '../../api'
import { onEvent } from '../../events'
import { newRunId } from '../../state'
import { createStore } from '../store'

export interface DomainView {
  domain: string
  /** The domain the shown results belong to. */
  checked?: string
  runId?: string
  busy?: 'check' | 'publish' | 'recheck'
  live: { sources: SourceReport[]; hosts: HostCheck[] }
  health?: DomainHealth
  error?: Diagnosis
  /** Keys (hostKey) of the servers the admin confirmed. */
  confirmed: string[]
  usernameForm: 'address' | 'local'
  publish?: PublishFiles
  /** The servers the publish files are for, as sent. */
  publishedFor?: ServerSettings[]
  recheck?: RecheckRow[]
  recheckedAt?: number
}

export const domainStore = createStore<DomainView>({
  domain: '',
  live: { sources: [], hosts: [] },
  confirmed: [],
  usernameForm: 'address'
})

export const hostKey = (h: Pick<HostCheck, 'protocol' | 'host' | 'port' | 'security'>): string =>
  `${h.protocol}|${h.host.toLowerCase()}|${h.port}|${h.security}`

/** What an admin would confirm: servers that answer, encrypted, with a trusted certificate naming them. */
export function suggested(health: DomainHealth): string[] {
  return health.hosts
    .filter((h) => h.answers && h.security !== 'plain' && h.certificate?.chainTrusted && h.certificate.hostMatches)
    .map(hostKey)
}

/** The confirmed servers as settings: a source's own entry (its auth methods), else plain defaults. */
export function confirmedSettings(view: DomainView): ServerSettings[] {
  const named = (view.health?.candidates ?? []).flatMap((c) => [...c.incoming, ...c.outgoing])
  return (view.health?.hosts ?? [])
    .filter((h) => view.confirmed.includes(hostKey(h)))
    .map((h) => {
      const own = named.find((s) => hostKey(s) === hostKey(h))
      return {
        protocol: h.protocol,
        host: h.host,
        port: h.port,
        security: h.security,
        username: '%EMAILADDRESS%',
        auth: own?.auth ?? ['password-cleartext']
      }
    })
}

let listening = false
function listen(): void {
  if (listening) return
  listening = true
  onEvent('domain', (e) => {
    domainStore.set((s) => {
      if (e.runId !== s.runId) return {}
      if (e.kind === 'source')
        return {
          live: { ...s.live, sources: [...s.live.sources.filter((r) => r.source !== e.report.source), e.report] }
        }
      return { live: { ...s.live, hosts: [...s.live.hosts, e.host] } }
    })
  })
}

async function run(
  domain: string,
  busy: NonNullable<DomainView['busy']>,
  servers?: ServerSettings[]
): Promise<Response<'checkDomain'> | undefined> {
  listen()
  const runId = newRunId()
  domainStore.set({ runId, busy, error: undefined, live: { sources: [], hosts: [] } })
  const res = await api.checkDomain({ runId, domain, servers, username: domainStore.get().usernameForm })
  if (domainStore.get().runId !== runId) return undefined
  if (!res.ok) {
    domainStore.set({ busy: undefined, error: res.error })
    return undefined
  }
  domainStore.set({ busy: undefined })
  return res.value
}

/** A new check of the domain; confirmations carry over only for the same domain. */
export async function checkDomain(domain: string): Promise<void> {
  const same = domainStore.get().checked === domain
  const result = await run(domain, 'check')
  if (!result) return
  const keep = same ? domainStore.get().confirmed.filter((k) => result.health.hosts.some((h) => hostKey(h) === k)) : []
  domainStore.set({
    health: result.health,
    checked: domain,
    confirmed: keep.length ? keep : suggested(result.health),
    ...(same ? {} : { publish: undefined, publishedFor: undefined, recheck: undefined, recheckedAt: undefined })
  })
}

/** The files to publish for the confirmed servers (the check runs again, so the re-check is current too). */
export async function generate(): Promise<void> {
  const view = domainStore.get()
  const servers = confirmedSettings(view)
  if (!view.checked || !servers.length) return
  const result = await run(view.checked, 'publish', servers)
  if (result)
    domainStore.set({
      health: result.health,
      publish: result.publish,
      publishedFor: servers,
      recheck: result.recheck,
      recheckedAt: Date.now()
    })
}

/** Whether what is live now names exactly the servers the files were made for. */
export async function recheck(): Promise<void> {
  const view = domainStore.get()
  if (!view.checked || !view.publishedFor) return
  const result = await run(view.checked, 'recheck', view.publishedFor)
  if (result) domainStore.set({ health: result.health, recheck: result.recheck, recheckedAt: Date.now() })
}

export async function cancel(): Promise<void> {
  const { runId } = domainStore.get()
  if (runId) await api.cancel({ runId })
}
