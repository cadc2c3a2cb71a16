import { useTranslation } from 'react-i18next'
import type { SourceReport } from '../../../../shared/domain'
import { formatMs } from '../../components/format'
import { Ltr } from '../../components/Ltr'

const ICON: Record<SourceReport['state'], string> = {
  started: '…',
  found: '✓',
  nothing: '–',
  failed: '✕',
  timeout: '⧗',
  skipped: '·'
}

/** Every discovery source and what it did, updated as reports arrive. */
export function SourceList({ sources }: { sources: Record<string, SourceReport> }): React.JSX.Element | null {
  const { t } = useTranslation()
  const list = Object.values(sources)
  if (list.length === 0) return null
  return (
    <section aria-labelledby="sources-title" className="sources">
      <h2 id="sources-title">{t('finding.sources')}</h2>
      <ul>
        {list.map((r) => (
          <li key={r.source} className={`source ${r.state}`}>
            <span className="icon" aria-hidden="true">
              {ICON[r.state]}
            </span>
            <span className="source-name">{t(`source.${r.source}`)}</span>
            <span className="source-state">
              {t(`sourceState.${r.state}`, { count: r.candidates ?? 0 })}
              {r.reason && <> ({t(`sourceReason.${r.reason}`, { defaultValue: r.reason })})</>}
            </span>
            {r.ms !== undefined && r.state !== 'started' && <bdi className="ms">{formatMs(r.ms)}</bdi>}
            {r.detail && (
              <span className="detail">
                <Ltr>{r.detail}</Ltr>
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  )
}
