import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Probe } from '../../../../shared/verify'
import type { Diagnosis } from '../../../../shared/diagnosis'
import { api } from '../../api'
import { onEvent } from '../../events'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { newRunId, setupRequest, type WizardState } from '../../state'
import { useWizard } from '../../wizard'
import { ProbeMatrix } from './ProbeMatrix'
import { ProbeDetails } from './ProbeDetails'
import { TrustOffer } from './TrustOffer'
import { CertificateList } from './CertificateList'
import { groupByCertificate } from './certificates'
import { PlaintextAllowed, PlaintextOffer } from './PlaintextOffer'
import { WorkedNotes } from './WorkedNotes'
import { RoundTrip } from './RoundTrip'
import { ReportButtons } from './ReportButtons'
import {
  afterSignIn,
  credentialsFor,
  hasCertProblem,
  isSignInProblem,
  orderProbes,
  refusedPlaintext,
  signedIn,
  succeeded
} from './run'
import { diagnose } from '../../../../shared/diagnosis-catalog'

type Phase = '' | 'discovering' | 'checking'

export function CheckingStep(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update, go } = useWizard()
  const [phase, setPhase] = useState<Phase>('')
  const [live, setLive] = useState<Record<string, Probe>>({})
  const [details, setDetails] = useState(false)
  const runRef = useRef<string | undefined>(undefined)

  function stop(): void {
    const id = runRef.current
    if (id) void api.cancel({ runId: id })
  }

  function fail(error: Diagnosis): void {
    runRef.current = undefined
    setPhase('')
    update({ verifyError: error })
  }

  async function run(s: WizardState): Promise<void> {
    const discoverId = newRunId()
    runRef.current = discoverId
    setLive({})
    update({ verify: undefined, verifyError: undefined })
    // The helpdesk comes here straight from an address: search and check in one run (probes start
    // as soon as trusted settings are found), which starts the setup session. After the finding
    // step the session already knows what it found, and nothing is searched again.
    if (!s.manual && s.discoveredFor !== s.address) {
      setPhase('discovering')
      const credentials = credentialsFor(s)
      if (credentials.kind === 'password')
        update({ password: '', passwordGivenFor: s.address, passwordGivenOn: 'signin' })
      const protocols = s.helpdesk ? (['imap', 'pop3'] as const) : [s.protocol]
      const res = await api.discoverVerify({
        runId: discoverId,
        address: s.address,
        credentials,
        protocols: [...protocols],
        username: s.username?.trim() || undefined,
        exceptions: s.exceptions
      })
      if (runRef.current !== discoverId) return
      runRef.current = undefined
      setPhase('')
      if (!res.ok) return fail(res.error)
      const { sessionId, discovery, candidateId, verify, unconfirmed } = res.value
      const patch = {
        discovery,
        discoveredFor: s.address,
        session: { id: sessionId, address: s.address },
        discoveryError: undefined,
        candidateId: candidateId ?? discovery.candidates[0]?.id,
        sources: Object.fromEntries(discovery.sources.map((r) => [r.source, r]))
      }
      // Only settings nothing vouches for: the finding step asks the user to confirm them first.
      if (unconfirmed) return go('finding', patch)
      if (!verify) return update({ ...patch, verifyError: diagnose('no-settings-found') })
      setLive(Object.fromEntries(verify.probes.map((p) => [p.id, p])))
      return update({ ...patch, verify, ...afterSignIn(verify, credentials) })
    }
    const id = newRunId()
    runRef.current = id
    setPhase('checking')
    const credentials = credentialsFor(s)
    // The password goes to the main side once; from now on checks use the session's copy.
    if (credentials.kind === 'password')
      update({ password: '', passwordGivenFor: s.address, passwordGivenOn: 'signin' })
    const res = await api.verify({ runId: id, ...setupRequest(s), credentials, exceptions: s.exceptions })
    if (runRef.current !== id) return
    runRef.current = undefined
    setPhase('')
    if (!res.ok) return fail(res.error)
    setLive(Object.fromEntries(res.value.probes.map((p) => [p.id, p])))
    // A check of typed servers without a session started one: later checks, the round trip, the
    // report and the save use it.
    const { sessionId, ...verify } = res.value
    update({ verify, session: { id: sessionId, address: s.address }, ...afterSignIn(verify, credentials) })
  }

  useEffect(() => {
    const off = onEvent('verify', (e) => {
      if (e.runId !== runRef.current) return
      setLive((m) => ({ ...m, [e.probe.id]: e.probe }))
      setPhase((p) => (p === 'discovering' ? 'checking' : p))
    })
    // Showing the last result or starting a check is what this effect is for.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (state.verify && !state.password) setLive(Object.fromEntries(state.verify.probes.map((p) => [p.id, p])))
    else void run(state)
    return () => {
      off()
      stop()
      runRef.current = undefined
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  const result = state.verify
  const probes = orderProbes(live)
  const ok = succeeded(result)
  const diagnosis =
    state.verifyError ?? result?.diagnosis ?? (result && !ok ? (diagnose('internal') as Diagnosis) : undefined)
  // One decision per distinct certificate, not one per host and port.
  const trustGroups = phase ? [] : groupByCertificate(probes.filter(hasCertProblem))
  const offered = new Set(trustGroups.map((g) => g.cert.fingerprint256))
  const otherCerts = groupByCertificate(probes).filter((g) => !offered.has(g.cert.fingerprint256))
  // Offered only when nothing encrypted worked: a working encrypted server needs no exception.
  const plainProbes = ok ? [] : probes.filter(refusedPlaintext)
  const cancelled = diagnosis?.code === 'cancelled'
  const failedOthers = ok ? probes.filter((p) => p.state === 'failed').length : 0

  let status: string
  if (phase === 'discovering') status = t('checking.discovering')
  else if (phase === 'checking') {
    const done = probes.filter((p) => p.state !== 'running').length
    status = t('checking.progress', { done, total: Math.max(probes.length, done) })
  } else if (cancelled) status = t('checking.cancelled')
  else if (ok && failedOthers > 0)
    status = signedIn(result) ? t('checking.goodWithFailures', { count: failedOthers }) : t('checking.connectedOnly')
  else if (ok) status = signedIn(result) ? t('checking.allGood') : t('checking.connectedOnly')
  else if (diagnosis)
    status = t('checking.failedStatus', {
      title: t(`diagnosis:${diagnosis.code}.title`, { defaultValue: t('diagnosisFallback.title', { code: '' }) })
    })
  else status = ''

  function recheck(patch: Partial<WizardState> = {}): void {
    update(patch)
    void run({ ...state, ...patch })
  }

  return (
    <>
      <StepHeading>{state.helpdesk ? t('checking.helpdeskTitle') : t('checking.title')}</StepHeading>
      <p role="status" aria-live="polite" className={`status ${phase ? 'busy' : ok ? 'good' : diagnosis ? 'bad' : ''}`}>
        {phase && <span className="spinner" aria-hidden="true" />}
        {status}
      </p>
      {!phase && ok && (
        <section className="result good" aria-labelledby="ok-title">
          <h2 id="ok-title">{signedIn(result) ? t('checking.okTitle') : t('checking.connectedTitle')}</h2>
          <p>{signedIn(result) ? t('checking.okText') : t('checking.connectedText')}</p>
          <WorkedNotes probes={[result?.incoming, result?.outgoing].filter((p) => p !== undefined)} />
          <PlaintextAllowed
            probes={[result?.incoming, result?.outgoing].filter((p) => p !== undefined)}
            onWithdraw={(exceptions) => recheck({ exceptions })}
          />
          {signedIn(result) && <RoundTrip />}
        </section>
      )}
      {!phase && diagnosis && !cancelled && (
        <DiagnosisCard diagnosis={diagnosis}>
          {isSignInProblem(diagnosis.code) && (
            <button type="button" className="secondary" onClick={() => go('signin')}>
              {t('checking.fixSignIn')}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => go('manual')}>
            {t('checking.editSettings')}
          </button>
        </DiagnosisCard>
      )}
      {trustGroups.map((g) => (
        <TrustOffer key={g.cert.fingerprint256} group={g} onTrust={(exceptions) => recheck({ exceptions })} />
      ))}
      {!phase &&
        plainProbes.map((p) => (
          <PlaintextOffer key={p.id} probe={p} onAllow={(exceptions) => recheck({ exceptions })} />
        ))}
      {/* The helpdesk reads the certificate right after the verdict; the user finds it under details. */}
      {state.helpdesk && !phase && <CertificateList groups={otherCerts} />}
      {probes.length > 0 && !state.helpdesk && (
        <button
          type="button"
          className="link-button"
          aria-expanded={details}
          aria-controls="details"
          onClick={() => setDetails(!details)}
        >
          {details ? t('checking.hideDetails') : t('checking.showDetails')}
        </button>
      )}
      <div id="details" className="details" hidden={!details && !state.helpdesk}>
        {!state.helpdesk && !phase && <CertificateList groups={otherCerts} />}
        <ProbeMatrix probes={probes} />
        {!phase && probes.length > 0 && (
          <section className="evidence" aria-labelledby="evidence-title">
            <h2 id="evidence-title">{t('checking.evidence')}</h2>
            {probes.map((p) => (
              <ProbeDetails key={p.id} probe={p} />
            ))}
            <ReportButtons />
          </section>
        )}
      </div>
      <StepActions>
        {phase ? (
          <button type="button" className="secondary" onClick={stop}>
            {t('common.cancel')}
          </button>
        ) : (
          <>
            <button type="button" className="secondary" onClick={() => recheck()}>
              {t('checking.again')}
            </button>
            {signedIn(result) && !state.helpdesk && (
              <button type="button" className="primary" onClick={() => go('done')}>
                {t('common.continue')}
              </button>
            )}
          </>
        )}
      </StepActions>
    </>
  )
}
