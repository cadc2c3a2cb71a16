import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { parseAddress } from '../../../../shared/address'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { HelpdeskTools } from '../HelpdeskTools'
import '../helpdesk.css'
import { useStore } from '../store'
import { cancel, checkDomain, domainStore } from './store'
import { FilesTable, SourcesTable } from './SourcesTable'
import { HostsTable } from './HostsTable'
import { Findings } from './Findings'
import { PublishPanel } from './PublishPanel'

/** A domain as the domain part of an address would be read; undefined when it is not one. */
function domainOf(value: string): string | undefined {
  const v = value.trim().replace(/\.$/, '')
  if (!v || v.includes('@')) return undefined
  const parsed = parseAddress(`postmaster@${v}`)
  return parsed.ok ? parsed.domain : undefined
}

/**
 * For IT teams: what every discovery source publishes for a domain, how each named server
 * answers, what is wrong, and what to publish for the servers the admin confirms.
 */
export function DomainStep(): React.JSX.Element {
  const { t } = useTranslation()
  const view = useStore(domainStore)
  const [tried, setTried] = useState(false)
  const domain = domainOf(view.domain)
  const invalid = tried && !domain

  function submit(e: React.FormEvent): void {
    e.preventDefault()
    setTried(true)
    if (!domain) {
      document.getElementById('dom-domain')?.focus()
      return
    }
    void checkDomain(domain)
  }

  const health = view.busy === 'check' ? undefined : view.health
  return (
    <>
      <HelpdeskTools />
      <form onSubmit={submit} noValidate>
        <StepHeading>{t('domainView.title')}</StepHeading>
        <p className="lead">{t('domainView.intro')}</p>
        <div className="field">
          <label htmlFor="dom-domain">{t('domainView.domain')}</label>
          <input
            id="dom-domain"
            dir="ltr"
            autoComplete="off"
            spellCheck={false}
            value={view.domain}
            aria-invalid={invalid || undefined}
            aria-describedby={invalid ? 'dom-domain-problem' : 'dom-domain-hint'}
            onChange={(e) => domainStore.set({ domain: e.target.value })}
          />
          {invalid ? (
            <p id="dom-domain-problem" className="problem">
              {t('domainView.notDomain')}
            </p>
          ) : (
            <p id="dom-domain-hint" className="hint">
              {t('domainView.domainHint')}
            </p>
          )}
        </div>
        <StepActions>
          {view.busy ? (
            <button type="button" className="secondary" onClick={() => void cancel()}>
              {t('common.cancel')}
            </button>
          ) : null}
          <button type="submit" className="primary" disabled={Boolean(view.busy)}>
            {t('domainView.check')}
          </button>
        </StepActions>
      </form>
      <p role="status" className="domain-status">
        {view.busy === 'check' && t('domainView.checking', { domain: view.domain.trim() })}
        {view.busy === 'publish' && t('domainView.generating')}
        {!view.busy &&
          view.health &&
          view.checked &&
          t('domainView.checked', { domain: view.checked, seconds: (view.health.ms / 1000).toFixed(1) })}
      </p>
      {view.error && view.error.code !== 'cancelled' && <DiagnosisCard diagnosis={view.error} />}
      {view.busy === 'check' && (
        <section aria-labelledby="dom-live-title" className="domain-live">
          <h2 id="dom-live-title">{t('domainView.liveTitle')}</h2>
          <SourcesTable sources={view.live.sources} candidates={[]} />
          {view.live.hosts.length > 0 && <HostsTable hosts={view.live.hosts} />}
        </section>
      )}
      {health && (
        <>
          <Findings findings={health.findings} />
          <section aria-labelledby="dom-found-title">
            <h2 id="dom-found-title">{t('domainView.foundTitle')}</h2>
            <SourcesTable sources={health.sources} candidates={health.candidates} />
            <FilesTable files={health.published} />
          </section>
          <section aria-labelledby="dom-hosts-title">
            <h2 id="dom-hosts-title">{t('domainView.hostsHeading')}</h2>
            <p className="hint">{t('domainView.hostsIntro')}</p>
            {health.hosts.length ? (
              <HostsTable
                hosts={health.hosts}
                confirmed={view.confirmed}
                onConfirm={(key, on) =>
                  domainStore.set((s) => ({
                    confirmed: on
                      ? [...s.confirmed.filter((k) => k !== key), key]
                      : s.confirmed.filter((k) => k !== key)
                  }))
                }
              />
            ) : (
              <p>{t('domainView.noHosts')}</p>
            )}
          </section>
          {health.hosts.length > 0 && <PublishPanel />}
        </>
      )}
    </>
  )
}
