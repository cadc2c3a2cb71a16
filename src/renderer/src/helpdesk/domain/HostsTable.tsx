import { useId } from 'react'
import { useTranslation } from 'react-i18next'
import { groupByCertificate } from '../../../../shared/cert-groups'
import type { HostCertificate, HostCheck } from '../../../../shared/domain-health'
import { Ltr } from '../../components/Ltr'
import { hostKey } from './store'
import { serverLabel } from './labels'
import './hosts.css'

const MAX_NAMES = 6

/**
 * Every named server, probed without signing in: does it answer, with what security and
 * certificate. One group per certificate (many host names and ports often share one): the
 * certificate across the whole width, read once, then a line for each server that shows it, with
 * its answer and who named it; the servers that showed none come last. A host name is one unit of
 * reading: names wrap between each other, never inside one (at 1024 px and right to left alike).
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
        {groupByCertificate(hosts).map((g, gi) => {
          const certId = `${id}-cert-${gi}`
          return (
            <tbody key={g.certificate?.fingerprint256 ?? 'none'} data-cert={g.certificate?.fingerprint256 ?? 'none'}>
              <tr className="cert-line">
                <th colSpan={columns.length} scope="rowgroup" id={certId}>
                  {g.certificate ? (
                    <div className="cert-line-body">
                      <span className="cert-label">{t('domainView.certificate')}</span>
                      <Certificate cert={g.certificate} allNamed={g.unnamed.length === 0} />
                    </div>
                  ) : (
                    <span className="cert-label">{t('domainView.noCertificate')}</span>
                  )}
                </th>
              </tr>
              {g.hosts.map((h, i) => {
                const key = hostKey(h)
                const serverId = `${certId}-server-${i}`
                return (
                  <tr key={key} data-host={`${h.host}:${h.port}`} className={h.answers ? 'good' : 'bad'}>
                    {onConfirm && (
                      <td headers={certId}>
                        <input
                          type="checkbox"
                          checked={confirmed?.includes(key) ?? false}
                          aria-label={t('domainView.confirmServer', { server: serverLabel(t, h) })}
                          onChange={(e) => onConfirm(key, e.target.checked)}
                        />
                      </td>
                    )}
                    <th scope="row" id={serverId} headers={certId}>
                      {t(`protocol.${h.protocol}`)} <Ltr className="host-name">{`${h.host}:${h.port}`}</Ltr>{' '}
                      <span className="sec">{t(`security.${h.security}`)}</span>
                    </th>
                    <td className="answer" headers={`${certId} ${serverId}`}>
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
                      {h.certificate && !h.certificate.hostMatches && (
                        <>
                          {' '}
                          <span className="hint warn">
                            {t('domainView.hostName')}: {t('domainView.notNamesHost')}
                          </span>
                        </>
                      )}
                    </td>
                    <td headers={`${certId} ${serverId}`}>
                      {h.namedBy.map((s) => t(`source.${s}`)).join(t('policy.listSeparator'))}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          )
        })}
      </table>
    </div>
  )
}

/**
 * A certificate on one line (or a few, wrapping between its parts): names, expiry, issuer, and
 * whether it carries the name of every server under it (those it does not are marked on their line).
 */
function Certificate({ cert: c, allNamed }: { cert: HostCertificate; allNamed: boolean }): React.JSX.Element {
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
        <dd className={allNamed ? undefined : 'warn'}>
          {allNamed ? t('domainView.namesEveryHost') : t('domainView.namesNotEveryHost')}
        </dd>
      </div>
    </dl>
  )
}
