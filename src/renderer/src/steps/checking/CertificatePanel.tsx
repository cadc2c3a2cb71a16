import { Fragment } from 'react'
import { useTranslation } from 'react-i18next'
import type { CertificateInfo } from '../../../../shared/verify'
import { Ltr, ltrValue } from '../../components/Ltr'
import { formatDate } from '../../components/format'

/** The certificate as an admin would check it: names, issuer, dates, fingerprint, match per host name. */
export function CertificatePanel({ cert, hosts }: { cert: CertificateInfo; hosts: string[] }): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const yes = (v: boolean | undefined): string => (v ? t('common.yes') : t('common.no'))
  return (
    <dl className="cert">
      <dt>{t('cert.subject')}</dt>
      <dd>
        <Ltr>{cert.subject}</Ltr>
      </dd>
      <dt>{t('cert.sans')}</dt>
      <dd>
        <Ltr>{cert.subjectAltNames.join(', ') || '—'}</Ltr>
      </dd>
      <dt>{t('cert.issuer')}</dt>
      <dd>
        <Ltr>{cert.issuer}</Ltr>
      </dd>
      <dt>{t('cert.validity')}</dt>
      <dd>
        {t('cert.validRange', {
          from: formatDate(cert.validFrom, i18n.language),
          to: formatDate(cert.validTo, i18n.language)
        })}
      </dd>
      <dt>{t('cert.fingerprint')}</dt>
      <dd>
        <code className="fingerprint" dir="ltr">
          {cert.fingerprint256}
        </code>
      </dd>
      {cert.tlsVersion && (
        <>
          <dt>{t('cert.tls')}</dt>
          <dd>
            <Ltr>{cert.tlsVersion}</Ltr>
          </dd>
        </>
      )}
      {hosts.map((host) => (
        <Fragment key={host}>
          <dt>{t('cert.hostMatch', { host: ltrValue(host, i18n.dir()) })}</dt>
          <dd className={cert.hostMatches ? 'good-text' : 'bad-text'}>{yes(cert.hostMatches)}</dd>
        </Fragment>
      ))}
      <dt>{t('cert.chainTrusted')}</dt>
      <dd className={cert.chainTrusted ? 'good-text' : 'bad-text'}>{yes(cert.chainTrusted)}</dd>
      <dt>{t('cert.selfSigned')}</dt>
      <dd>{yes(cert.selfSigned)}</dd>
      {cert.trustStore && (
        <>
          <dt>{t('cert.vouchedBy')}</dt>
          <dd data-trust-store={cert.trustStore}>{t(`cert.store.${cert.trustStore}`)}</dd>
        </>
      )}
      {cert.trustedByUser && (
        <>
          <dt>{t('cert.trustedByUser')}</dt>
          <dd>{t('common.yes')}</dd>
        </>
      )}
    </dl>
  )
}
