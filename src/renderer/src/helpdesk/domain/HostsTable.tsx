import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import type { HostCheck } from '../../../../shared/domain-health'
import { Ltr } from '../../components/Ltr'
import { hostKey } from './store'
import { serverLabel } from './labels'
import './hosts.css'

const MAX_NAMES = 6

/**
 * Every named server, probed without signing in: does it answer, with what security and
 * certificate. One group per server: a line with the server, its answer and who named it, and
 * under it, across the whole width, its certificate. A host name is one unit of reading: names
 * wrap between each other, never inside one (at 1024 px and right to left alike).
 */
export function HostsTable(props: {
  hosts: HostCheck[]
  confirmed?: string[]
  onConfirm?: (key: string, on: boolean) => void
}): React.JSX.Element {
  const { t } = useTranslation()
  const { hosts, confirmed, onConfirm } = props
  const id = useId()
  const columns = [
    ...(onConfirm ? [t('domainView.publishColumn')] : []),
    t('domainView.server'),
    t('domainView.answers'),
    t('domainView.namedBy')
  ]
  return (
    <div className="matrix-wrap">
      <table className="matrix domain-hosts">
        <caption>{t('domainView.hostsTitle')}</caption>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        {hosts.map((h, i) => {
          const key = hostKey(h)
          const serverId = `${id}-server-${i}`
          return (
            <tbody key={key} data-host={`${h.host}:${h.port}`} className={h.answers ? 'good' : 'bad'}>
              <tr>
                {onConfirm && (
                  <td>
                    <input
                      type="checkbox"
                      checked={confirmed?.includes(key) ?? false}
                      aria-label={t('domainView.confirmServer', { server: serverLabel(t, h) })}
                      onChange={(e) => onConfirm(key, e.target.checked)}
                    />
                  </td>
                )}
                <th scope="row" id={serverId}>
                  {t(`protocol.${h.protocol}`)} <Ltr className="host-name">{`${h.host}:${h.port}`}</Ltr>{' '}
                  <span className="sec">{t(`security.${h.security}`)}</span>
                </th>
                <td className="answer">
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
                <td>{h.namedBy.map((s) => t(`source.${s}`)).join(t('policy.listSeparator'))}</td>
              </tr>
              {h.certificate && (
                <tr className="cert-line">
                  <td colSpan={columns.length} headers={serverId}>
                    <div className="cert-line-body">
                      <span className="cert-label">{t('domainView.certificate')}</span>
                      <Certificate cert={h.certificate} />
                    </div>
                  </td>
                </tr>
              )}
            </tbody>
          )
        })}
      </table>
    </div>
  )
}

/** A certificate on one line (or a few, wrapping between its parts): names, expiry, issuer, host name. */
function Certificate({ cert: c }: { cert: NonNullable<HostCheck['certificate']> }): React.JSX.Element {
  const { t } = useTranslation()
  return (
    <dl className="cert-brief">
      <div className="cert-names">
        <dt>{t('cert.sans')}</dt>
        <dd>
          {c.names.slice(0, MAX_NAMES).map((n) => (
            <Ltr key={n} className="host-name">
              {n}
            </Ltr>
          ))}
          {c.names.length > MAX_NAMES && (
            <span>{t('domainView.moreNames', { count: c.names.length - MAX_NAMES })}</span>
          )}
        </dd>
      </div>
      <div>
        <dt>{t('domainView.expiry')}</dt>
        <dd className={c.daysLeft < 21 ? 'warn' : undefined}>
          {c.daysLeft < 0
            ? t('domainView.expired', { count: -c.daysLeft })
            : t('domainView.daysLeft', { count: c.daysLeft })}
        </dd>
      </div>
      <div>
        <dt>{t('domainView.chain')}</dt>
        <dd className={c.chainTrusted ? undefined : 'warn'}>
          {c.chainTrusted ? t('domainView.chainTrusted') : t('domainView.chainUntrusted')} (<Ltr>{c.issuer}</Ltr>)
        </dd>
      </div>
      <div>
        <dt>{t('domainView.hostName')}</dt>
        <dd className={c.hostMatches ? undefined : 'warn'}>
          {c.hostMatches ? t('domainView.namesHost') : t('domainView.notNamesHost')}
        </dd>
      </div>
    </dl>
  )
}
