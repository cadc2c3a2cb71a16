import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from '../store'
import { bulkStore, progressOf } from './store'
import { VERDICT_ORDER } from '../../../../shared/bulk-check'

/** The run's progress bar with rate and time left, and the count per verdict. */
export function Progress(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const view = useStore(bulkStore)
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!view.running) return
    const timer = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(timer)
  }, [view.running])
  // Once the run is over its rate is what it was at the end, not a number that keeps falling.
  const end = !view.running && view.summary && view.startedAt ? view.startedAt + view.summary.ms : now
  const p = progressOf(view, end)
  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 })
  const counts = VERDICT_ORDER.map((v) => [v, view.kept.counts[v] ?? 0] as const).filter(([, n]) => n > 0)
  return (
    <section className="bulk-progress" aria-labelledby="bulk-progress-title">
      <h2 id="bulk-progress-title">{t('bulkView.progressTitle')}</h2>
      <progress
        max={Math.max(p.total, 1)}
        value={p.done}
        aria-labelledby="bulk-progress-title"
        aria-describedby="bulk-progress-text"
      />
      <p id="bulk-progress-text">
        {t('bulkView.progress', { done: p.done, total: p.total })}
        {p.perMinute !== undefined && ` · ${t('bulkView.rate', { rate: number.format(p.perMinute) })}`}
        {view.running &&
          p.minutesLeft !== undefined &&
          ` · ${t('bulkView.eta', { count: Math.max(1, Math.round(p.minutesLeft)) })}`}
      </p>
      <p role="status">
        {view.summary &&
          (view.summary.interrupted
            ? t('bulkView.cancelled', { checked: view.summary.checked, of: view.summary.of })
            : t('bulkView.finished', { checked: view.summary.checked, ready: view.summary.ready }))}
      </p>
      {counts.length > 0 && (
        <ul className="verdict-counts">
          {counts.map(([v, n]) => (
            <li key={v} className={v === 'ready' ? 'good' : 'bad'}>
              {t(`bulk.verdict.${v}`)}: {n}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
