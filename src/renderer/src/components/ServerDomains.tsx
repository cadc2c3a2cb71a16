// Who the user would be trusting, as the autoconfig and PACC drafts ask before approval: the
// registrable domain of every server and of the sign-in issuer, in full (never truncated), and
// a warning on a name whose letters can pass for others.
import { useTranslation } from 'react-i18next'
import type { Candidate } from '../../../shared/domain'
import { hostFacts } from '../../../shared/hostnames'
import { Ltr } from './Ltr'

function issuerHost(c: Pick<Candidate, 'oauth2'>): string | undefined {
  if (!c.oauth2?.issuer) return undefined
  try {
    return new URL(/^[a-z]+:\/\//i.test(c.oauth2.issuer) ? c.oauth2.issuer : `https://${c.oauth2.issuer}`).hostname
  } catch {
    return undefined
  }
}

export function ServerDomains({
  candidate
}: {
  candidate: Pick<Candidate, 'incoming' | 'outgoing' | 'oauth2'>
}): React.JSX.Element {
  const { t } = useTranslation()
  const servers = hostFacts([...candidate.incoming, ...candidate.outgoing].map((s) => s.host))
  const issuer = issuerHost(candidate)
  const signIn = issuer ? hostFacts([issuer]) : []
  const domains = (list: typeof servers): string => [...new Set(list.map((f) => f.domain))].join(', ')
  const flagged = [...servers, ...signIn].filter((f) => f.flag)
  return (
    <span className="server-domains">
      <span className="domains">
        {t('finding.domains')}{' '}
        <strong>
          <Ltr>{domains(servers)}</Ltr>
        </strong>
      </span>
      {signIn.length > 0 && (
        <span className="domains">
          {t('finding.issuerDomain')}{' '}
          <strong>
            <Ltr>{domains(signIn)}</Ltr>
          </strong>
        </span>
      )}
      {flagged.map((f) => (
        <span key={f.host} className="warn-text lookalike" role="note">
          {t('finding.lookalike', { host: f.host, shown: f.shown })}
        </span>
      ))}
    </span>
  )
}
