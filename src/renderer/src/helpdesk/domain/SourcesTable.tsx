import { useTranslation } from 'react-i18next'
import type { Candidate, SourceReport } from '../../../../shared/domain'
import type { PublishedFile } from '../../../../shared/domain-health'
import { Matrix } from '../Matrix'
import { Ltr } from '../../components/Ltr'
import { serverLabel } from './labels'

/** What every discovery source found, each on its own, with the servers it names. */
export function SourcesTable({
  sources,
  candidates
}: {
  sources: SourceReport[]
  candidates: Candidate[]
}): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <Matrix
      className="domain-sources"
      caption={t('domainView.sourcesTitle')}
      columns={[t('domainView.source'), t('domainView.result'), t('domainView.serversNamed')]}
    >
      {sources.map((r) => {
        const named = candidates.filter((c) => c.source === r.source).flatMap((c) => [...c.incoming, ...c.outgoing])
        return (
          <tr key={r.source} data-source={r.source} className={r.state}>
            <th scope="row">{t(`source.${r.source}`)}</th>
            <td>
              {t(`sourceState.${r.state}`, { count: r.candidates ?? 0 })}
              {r.reason && ` (${t(`sourceReason.${r.reason}`, { defaultValue: r.reason })})`}
            </td>
            <td>
              {named.length ? (
                <ul className="plain">
                  {named.map((s, i) => (
                    <li key={i}>
                      <Ltr>{serverLabel(t, s)}</Ltr>
                    </li>
                  ))}
                </ul>
              ) : (
                '—'
              )}
            </td>
          </tr>
        )
      })}
    </Matrix>
  )
}

/** Each autoconfig URL on its own: HTTPS and HTTP, the domain's host and its .well-known path. */
export function FilesTable({ files }: { files: PublishedFile[] }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <Matrix
      className="domain-files"
      caption={t('domainView.filesTitle')}
      columns={[t('domainView.url'), t('domainView.result')]}
    >
      {files.map((f) => (
        <tr key={f.url} className={f.state}>
          <td>
            <Ltr>{f.url.split('?')[0]}</Ltr>
            {f.url.startsWith('http:') && <span className="badge warn">{t('domainView.notSecure')}</span>}
          </td>
          <td>
            {f.state === 'found'
              ? t('domainView.fileFound', { count: f.servers })
              : t(`sourceState.${f.state}`, { count: 0 })}
            {f.reason && ` (${t(`sourceReason.${f.reason}`, { defaultValue: f.reason })})`}
          </td>
        </tr>
      ))}
    </Matrix>
  )
}
