import { useTranslation } from 'react-i18next'
import type { HostCheck } from '../../../../shared/domain-health'
import { Matrix } from '../Matrix'
import { Ltr } from '../../components/Ltr'
import { hostKey } from './store'
import { serverLabel } from './labels'

const MAX_NAMES = 6

/** Every named server, probed without signing in: does it answer, with what security and certificate. */
export function HostsTable(props: {
  hosts: HostCheck[]
  confirmed?: string[]
  onConfirm?: (key: string, on: boolean) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const { hosts, confirmed, onConfirm } = props
  return (
    <Matrix
      className="domain-hosts"
      caption={t('domainView.hostsTitle')}
      columns={[
        ...(onConfirm ? [t('domainView.publishColumn')] : []),
        t('domainView.server'),
        t('domainView.answers'),
        t('domainView.certificate'),
        t('domainView.namedBy')
      ]}
    >
      {hosts.map((h) => {
        const key = hostKey(h)
        const label = serverLabel(t, h)
        const c = h.certificate
        return (
          <tr key={key} data-host={`${h.host}:${h.port}`} className={h.answers ? 'good' : 'bad'}>
            {onConfirm && (
              <td>
                <input
                  type="checkbox"
                  checked={confirmed?.includes(key) ?? false}
                  aria-label={t('domainView.confirmServer', { server: label })}
                  onChange={(e) => onConfirm(key, e.target.checked)}
                />
              </td>
            )}
            <th scope="row">
              <Ltr>{label}</Ltr>
            </th>
            <td>
              {h.answers ? t('domainView.yesAnswers') : t('domainView.noAnswer')}
              {h.problem && (
                <>
                  {' '}
                  <span className="hint">{t(`diagnosis:${h.problem}.title`, { defaultValue: h.problem })}</span>
                </>
              )}
              {h.tlsVersion && (
                <>
                  {' '}
                  <Ltr className="hint">{h.tlsVersion}</Ltr>
                </>
              )}
            </td>
            <td>
              {c ? (
                <dl className="cert-brief">
                  <dt>{t('cert.sans')}</dt>
                  <dd>
                    <Ltr>{c.names.slice(0, MAX_NAMES).join(' ')}</Ltr>
                    {c.names.length > MAX_NAMES &&
                      ` ${t('domainView.moreNames', { count: c.names.length - MAX_NAMES })}`}
                  </dd>
                  <dt>{t('domainView.expiry')}</dt>
                  <dd className={c.daysLeft < 21 ? 'warn' : undefined}>
                    {c.daysLeft < 0
                      ? t('domainView.expired', { count: -c.daysLeft })
                      : t('domainView.daysLeft', { count: c.daysLeft })}
                  </dd>
                  <dt>{t('domainView.chain')}</dt>
                  <dd className={c.chainTrusted ? undefined : 'warn'}>
                    {c.chainTrusted ? t('domainView.chainTrusted') : t('domainView.chainUntrusted')} (
                    <Ltr>{c.issuer}</Ltr>)
                  </dd>
                  <dt>{t('domainView.hostName')}</dt>
                  <dd className={c.hostMatches ? undefined : 'warn'}>
                    {c.hostMatches ? t('domainView.namesHost') : t('domainView.notNamesHost')}
                  </dd>
                </dl>
              ) : (
                '—'
              )}
            </td>
            <td>{h.namedBy.map((s) => t(`source.${s}`)).join(', ')}</td>
          </tr>
        )
      })}
    </Matrix>
  )
}
