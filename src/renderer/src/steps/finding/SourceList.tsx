import { useState } from 'react'
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

/**
 * Every discovery source and what it did, updated as reports arrive. Evidence for whoever
 * wants it: closed until asked for, except for the helpdesk.
 */
export function SourceList({
  sources,
  open: openAtStart = false
}: {
  sources: Record<string, SourceReport>
  open?: boolean
}): React.JSX.Element | null {
  const { t } = useTranslation()
  const [open, setOpen] = useState(openAtStart)
  const list = Object.values(sources)
  if (list.length === 0) return null
  return (
    <section aria-labelledby="sources-title" className="sources">
      <h2 id="sources-title" className="disclosure">
        <button
          type="button"
          className="link-button"
          aria-expanded={open}
          aria-controls="sources-list"
          onClick={() => setOpen(!open)}
        >
          {t('finding.sources')}
        </button>
      </h2>
      <ul id="sources-list" hidden={!open}>
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
