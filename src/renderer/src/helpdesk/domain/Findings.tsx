import { useTranslation } from 'react-i18next'
import type { Finding } from '../../../../shared/domain-health'
import { Ltr } from '../../components/Ltr'

const ORDER: Finding['level'][] = ['error', 'warning', 'info']

/** What is wrong with the publication, worst first, each with what to do. */
export function Findings({ findings }: { findings: Finding[] }): React.JSX.Element {
  const { t } = useTranslation()
  const sorted = [...findings].sort((a, b) => ORDER.indexOf(a.level) - ORDER.indexOf(b.level))
  return (
    <section className="domain-findings" aria-labelledby="dom-findings-title">
      <h2 id="dom-findings-title">{t('domainView.findingsTitle')}</h2>
      {sorted.length === 0 ? (
        <p className="result good">{t('domainView.noFindings')}</p>
      ) : (
        <ul className="findings">
          {sorted.map((f, i) => (
            <li key={i} className={`finding ${f.level}`} data-finding={f.code}>
              <p className="finding-title">
                <span className={`badge ${f.level}`}>{t(`domain.level.${f.level}`)}</span>{' '}
                {t(`domain.finding.${f.code}.title`)}
              </p>
              <p className="finding-subject">
                <Ltr>{f.subject}</Ltr>
              </p>
              <p className="hint">{t(`domain.finding.${f.code}.fix`)}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
