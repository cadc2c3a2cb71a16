import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../api'
import { onEvent } from '../../events'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { Ltr } from '../../components/Ltr'
import { newRunId, selectedCandidate } from '../../state'
import { useWizard } from '../../wizard'
import { SourceList } from './SourceList'
import { CandidateList } from './CandidateList'
import { ExchangeSignIn } from './ExchangeSignIn'
import type { Credentials } from '../../../../shared/verify'
import { autodiscoverAsksSignIn } from '../../../../shared/source-reason'

export function FindingStep(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update, go } = useWizard()
  const [runId, setRunId] = useState<string>()
  const runRef = useRef<string | undefined>(undefined)
  // Whether the last search sent a password to Autodiscover (a 401 then means it was refused).
  const [sentPassword, setSentPassword] = useState(false)
  const fresh = state.discoveredFor === state.address && (state.discovery || state.discoveryError)

  function start(credentials?: Credentials): void {
    const id = newRunId()
    runRef.current = id
    setRunId(id)
    setSentPassword(credentials?.kind === 'password')
    // Main keeps a password given here for this address, so later checks use {kind:'session'}.
    const given =
      credentials?.kind === 'password' ? { passwordGivenFor: state.address, passwordGivenOn: 'finding' as const } : {}
    // A new search for the same address stays in its setup session (main's record of it).
    const session = state.session?.address === state.address ? { sessionId: state.session.id } : {}
    update({
      sources: {},
      discovery: undefined,
      discoveryError: undefined,
      candidateId: undefined,
      confirmed: [],
      manual: undefined,
      verify: undefined,
      ...given
    })
    void api
      .discover({ runId: id, address: state.address, ...session, ...(credentials ? { credentials } : {}) })
      .then((res) => {
        if (runRef.current !== id) return
        runRef.current = undefined
        setRunId(undefined)
        if (res.ok) {
          const sources = Object.fromEntries(res.value.sources.map((r) => [r.source, r]))
          update({
            discovery: res.value,
            discoveredFor: state.address,
            session: { id: res.value.sessionId, address: state.address },
            sources,
            candidateId: res.value.candidates[0]?.id
          })
        } else {
          update({ discoveryError: res.error, discoveredFor: state.address })
        }
      })
  }

  useEffect(() => {
    const off = onEvent('discovery', (e) => {
      if (e.runId !== runRef.current || e.kind !== 'source') return
      update((s) => ({ sources: { ...s.sources, [e.report.source]: e.report } }))
    })
    // Starting the search is what this effect is for; its state is the progress shown.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (!fresh) start()
    return () => {
      off()
      // Leaving the step stops the search; coming back starts it again.
      const id = runRef.current
      runRef.current = undefined
      if (id) void api.cancel({ runId: id })
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const running = runId !== undefined
  const candidates = state.discovery?.candidates ?? []
  const chosen = selectedCandidate(state)
  const needsConfirm = chosen?.trust.level === 'confirm' && !state.confirmed.includes(chosen.id)
  const domain = state.address.split('@').pop() ?? ''
  const autodiscover = state.sources.autodiscover
  const needsSignIn = !running && !state.discoveryError && autodiscoverAsksSignIn(autodiscover)

  let status: string
  if (running) status = t('finding.searching', { domain })
  else if (state.discoveryError?.code === 'cancelled') status = t('finding.cancelled')
  else if (state.discoveryError) status = t('finding.failed')
  else if (chosen?.source === 'guess') status = t('finding.foundGuess', { domain })
  else if (chosen)
    status = chosen.providerName ? t('finding.foundProvider', { provider: chosen.providerName }) : t('finding.found')
  else status = t('finding.nothing')

  function next(): void {
    if (!chosen) return
    const confirmed = needsConfirm ? [...state.confirmed, chosen.id] : state.confirmed
    const imap = chosen.incoming.some((e) => e.protocol === 'imap')
    go('protocol', { confirmed, protocol: imap ? 'imap' : 'pop3', manual: undefined })
  }

  return (
    <>
      <StepHeading>{t('finding.title')}</StepHeading>
      <p className="lead">
        {t('finding.intro')} <Ltr>{state.address}</Ltr>
      </p>
      <p role="status" className={`status ${running ? 'busy' : ''}`}>
        {running && <span className="spinner" aria-hidden="true" />}
        {status}
      </p>
      <SourceList sources={state.sources} open={state.helpdesk} />
      {state.discoveryError && state.discoveryError.code !== 'cancelled' && (
        <DiagnosisCard diagnosis={state.discoveryError} />
      )}
      {needsSignIn && (
        <ExchangeSignIn
          domain={domain}
          refused={sentPassword}
          onSend={(password) => start({ kind: 'password', password })}
        />
      )}
      {!running && candidates.length > 0 && <CandidateList />}
      {!running && !chosen && !state.discoveryError && <p>{t('finding.nothingHelp')}</p>}
      <StepActions>
        {running ? (
          <button type="button" className="secondary" onClick={() => runId && void api.cancel({ runId })}>
            {t('common.cancel')}
          </button>
        ) : (
          <>
            <button type="button" className="secondary" onClick={() => start()}>
              {t('finding.again')}
            </button>
            {chosen ? (
              <button type="button" className="primary" onClick={next}>
                {needsConfirm ? t('finding.useAnyway') : t('common.continue')}
              </button>
            ) : (
              <button type="button" className="primary" onClick={() => go('manual')}>
                {t('finding.enterManually')}
              </button>
            )}
          </>
        )}
      </StepActions>
    </>
  )
}
