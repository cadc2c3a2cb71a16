import { useTranslation } from 'react-i18next'
import { Ltr } from '../../components/Ltr'
import { CertificatePanel } from './CertificatePanel'
import { hostsOf, type CertGroup } from './certificates'

/** Each distinct certificate once, with the servers that showed it. */
export function CertificateList({ groups }: { groups: CertGroup[] }): React.JSX.Element | null {
  const { t } = useTranslation()
  if (groups.length === 0) return null
  return (
    <section className="certificates" aria-labelledby="certs-title">
      <h2 id="certs-title">{t('cert.listTitle', { count: groups.length })}</h2>
      {groups.map((g) => (
        <div key={g.cert.fingerprint256} className="cert-group" data-fingerprint={g.cert.fingerprint256}>
          <p>
            {t('cert.shownBy', { count: g.places.length })}{' '}
            {g.places.map(({ host, port }, i) => (
              <span key={`${host}:${port}`}>
                {i > 0 && ', '}
                <Ltr>{`${host}:${port}`}</Ltr>
              </span>
            ))}
          </p>
          <CertificatePanel cert={g.cert} hosts={hostsOf(g)} />
        </div>
      ))}
    </section>
  )
}
