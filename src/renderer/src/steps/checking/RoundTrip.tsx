import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { RoundTripResult } from '../../../../shared/verify'
import type { Diagnosis } from '../../../../shared/diagnosis'
import { api } from '../../api'
import { onEvent } from '../../events'
import { DiagnosisCard } from '../../components/DiagnosisCard'
import { formatMs } from '../../components/format'
import { newRunId } from '../../state'
import { useWizard } from '../../wizard'
import { diagnose } from '../../../../shared/diagnosis-catalog'

/** The optional "send a test message to yourself and read it back", through the servers the session verified. */
export function RoundTrip(): React.JSX.Element {
  const { t } = useTranslation()
  const { state } = useWizard()
  const [runId, setRunId] = useState<string>()
  const [stage, setStage] = useState('')
  const [result, setResult] = useState<RoundTripResult>()
  const [error, setError] = useState<Diagnosis>()
  const current = useRef<string | undefined>(undefined)

  useEffect(() => {
    const off = onEvent('roundTrip', (e) => {
      if (e.runId === current.current) setStage(e.stage)
    })
    return () => {
      off()
      if (current.current) void api.cancel({ runId: current.current })
    }
  }, [])

  async function send(): Promise<void> {
    const id = newRunId()
    current.current = id
    setRunId(id)
    setStage('sending')
    setResult(undefined)
    setError(undefined)
    if (!state.session) return
    const res = await api.roundTrip({ runId: id, sessionId: state.session.id })
    if (current.current !== id) return
    current.current = undefined
    setRunId(undefined)
    if (res.ok) setResult(res.value)
    else setError(res.error)
  }

  const failure = error ?? (result && !result.ok ? (result.diagnosis ?? diagnose('internal')) : undefined)
  let status = ''
  if (runId) status = t(`roundTrip.${stage || 'sending'}`)
  else if (result?.ok)
    status = t('roundTrip.ok', { sent: formatMs(result.sentMs), delivered: formatMs(result.deliveredMs) })

  return (
    <div className="round-trip">
      <div className="actions">
        <button type="button" className="secondary" disabled={Boolean(runId)} onClick={() => void send()}>
          {t('roundTrip.button')}
        </button>
        {runId && (
          <button type="button" className="secondary" onClick={() => void api.cancel({ runId })}>
            {t('common.cancel')}
          </button>
        )}
      </div>
      <p role="status" className="hint">
        {status}
        {result?.ok && result.removed && ` ${t('roundTrip.removed')}`}
      </p>
      {failure && <DiagnosisCard diagnosis={failure} headingId="round-trip-problem" />}
    </div>
  )
}
