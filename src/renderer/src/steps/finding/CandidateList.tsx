import { useTranslation } from 'react-i18next'
import type { Candidate } from '../../../../shared/domain'
import { Ltr } from '../../components/Ltr'
import { ServerDomains } from '../../components/ServerDomains'
import { selectedCandidate } from '../../state'
import { useWizard } from '../../wizard'

function servers(c: Candidate): string {
  const first = (list: Candidate['incoming']): string => (list[0] ? `${list[0].host}:${list[0].port}` : '—')
  return `${first(c.incoming)} · ${first(c.outgoing)}`
}

/** The settings found, best first; ones that need confirmation say what and why. */
export function CandidateList(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, update } = useWizard()
  const candidates = state.discovery?.candidates ?? []
  const chosen = selectedCandidate(state)
  return (
    <fieldset className="candidates">
      <legend>{t('finding.candidates', { count: candidates.length })}</legend>
      {candidates.map((c) => {
        const confirm = c.trust.level === 'confirm'
        return (
          <label key={c.id} className={`choice ${c.id === chosen?.id ? 'selected' : ''}`}>
            <input
              type="radio"
              name="candidate"
              value={c.id}
              checked={c.id === chosen?.id}
              onChange={() => update({ candidateId: c.id })}
              aria-describedby={`why-${c.id}`}
            />
            <span className="choice-body">
              <span className="choice-title">
                {c.providerName ?? t(`source.${c.source}`)}
                {confirm && <span className="badge warn">{t('finding.needsConfirm')}</span>}
              </span>
              <span className="choice-detail">
                <Ltr>{servers(c)}</Ltr>
              </span>
              <ServerDomains candidate={c} />
              <span id={`why-${c.id}`} className={confirm ? 'why warn-text' : 'why'}>
                {t('finding.from', { source: t(`source.${c.source}`) })}{' '}
                {t(`trust.${c.trust.reason}`, { subject: c.trust.subject ?? '' })}
              </span>
            </span>
          </label>
        )
      })}
    </fieldset>
  )
}
