import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { BulkRow } from '../../../../shared/bulk-check'
import { Matrix } from '../Matrix'
import { Ltr } from '../../components/Ltr'
import { notShown, type Kept } from './kept'

/** The words for a row's code: a diagnosis, or the reason settings need confirmation. */
function useWhy(): (row: BulkRow) => string {
  const { t } = useTranslation()
  return (row) => {
    if (!row.code) return ''
    if (row.verdict === 'needs-confirmation')
      return t(`trust.${row.code}`, { subject: row.incoming ?? '', defaultValue: row.code })
    return t(`diagnosis:${row.code}.title`, { defaultValue: row.code })
  }
}

/**
 * The accounts the page keeps (kept.ts: every one while they fit, then those needing attention
 * first), in list order: verdict, why in words, server. Said when the reports hold more.
 */
export function ResultsTable({ kept }: { kept: Kept }): React.JSX.Element {
  const { t } = useTranslation()
  const sorted = [...kept.rows].sort((a, b) => a.row - b.row)
  const more = notShown(kept)
  return (
    <>
      <Matrix
        className="bulk-results"
        caption={t('bulkView.tableTitle')}
        columns={[
          t('bulkView.row'),
          t('bulkView.address'),
          t('bulkView.verdict'),
          t('bulkView.why'),
          t('bulkView.server')
        ]}
      >
        {sorted.map((r) => (
          <ResultRow key={r.row} row={r} />
        ))}
      </Matrix>
      {more > 0 && (
        <p className="hint bulk-not-shown">{t('bulkView.notShown', { count: more, kept: kept.rows.length })}</p>
      )}
    </>
  )
}

/** A finished row never changes: drawn once, however many rows arrive after it. */
const ResultRow = memo(function ResultRow({ row: r }: { row: BulkRow }): React.JSX.Element {
  const { t } = useTranslation()
  const why = useWhy()
  return (
    <tr data-row={r.row} className={r.verdict === 'ready' ? 'good' : 'bad'}>
      <td>{r.row}</td>
      <th scope="row">
        <Ltr>{r.address}</Ltr>
      </th>
      <td>{t(`bulk.verdict.${r.verdict}`)}</td>
      <td>
        {why(r)}
        {r.serverSays && (
          <>
            <br />
            <Ltr className="hint">{r.serverSays}</Ltr>
          </>
        )}
      </td>
      <td>
        {r.incoming && <Ltr>{r.incoming}</Ltr>}
        {r.outgoing && (
          <>
            <br />
            <Ltr>{r.outgoing}</Ltr>
          </>
        )}
        {r.username && (
          <>
            <br />
            <span className="hint">
              {t('bulkView.username')} <Ltr>{r.username}</Ltr>
            </span>
          </>
        )}
      </td>
    </tr>
  )
})
