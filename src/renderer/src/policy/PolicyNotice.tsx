// Above every step: who manages this computer's mail set-up and where its rules come from, with
// what they set; or, when the policy file could not be used, a warning that names its problems
// and says that nothing of it applies.
import { useTranslation } from 'react-i18next'
import { FilePath } from '../components/FilePath'
import { Ltr, ltrValue } from '../components/Ltr'
import { SupportContact } from './SupportContact'
import { usePolicy } from './context'
import './policy.css'

export function PolicyNotice(): React.JSX.Element | null {
  const { t, i18n } = useTranslation()
  const policy = usePolicy()
  if (policy.problem) {
    return (
      <aside className="policy-notice policy-invalid" aria-labelledby="policy-invalid-title">
        <p id="policy-invalid-title" className="policy-title">
          {t('policy.invalid.title')}
        </p>
        <p>
          {t('policy.invalid.file')} <FilePath path={policy.problem.file} />
        </p>
        <p>{t('policy.invalid.nothingApplied')}</p>
        <p>{t('policy.invalid.problems')}</p>
        <ul className="policy-problems" dir="ltr">
          {policy.problem.issues.map((issue, i) => (
            <li key={i}>
              <code>{issue}</code>
            </li>
          ))}
        </ul>
        <p>{t('policy.invalid.ask')}</p>
      </aside>
    )
  }
  if (!policy.active || !policy.organisation) return null
  const organisation = ltrValue(policy.organisation, i18n.dir())
  const rules = ruleLines(policy, t)
  return (
    <aside className="policy-notice policy-managed" aria-labelledby="policy-title">
      <p id="policy-title" className="policy-title">
        {t('policy.managedBy', { organisation })}
      </p>
      {policy.file && (
        <p className="policy-source">
          {t(policy.managed ? 'policy.source.managed' : 'policy.source.named')} <FilePath path={policy.file} />
        </p>
      )}
      {(rules.length > 0 || policy.support) && (
        <details>
          <summary>{t('policy.whatIsSet', { organisation })}</summary>
          {rules.length > 0 && (
            <ul className="policy-rules">
              {rules.map((line) => (
                <li key={line.key}>{line.text}</li>
              ))}
            </ul>
          )}
          {policy.support && (
            <>
              <p>{t('policy.support.title', { organisation })}</p>
              <SupportContact support={policy.support} />
            </>
          )}
        </details>
      )}
    </aside>
  )
}

type T = ReturnType<typeof useTranslation>['t']

/** Each rule the policy sets, in words. Host names and domains stay left to right. */
function ruleLines(policy: ReturnType<typeof usePolicy>, t: T): Array<{ key: string; text: React.ReactNode }> {
  const lines: Array<{ key: string; text: React.ReactNode }> = []
  const list = (items: string[]): string => items.join(t('policy.listSeparator'))
  for (const [i, l] of policy.lockedServers.entries()) {
    lines.push({
      key: `locked-${i}`,
      text: (
        <>
          {t('policy.rule.locked')} <Ltr>{l.domains.join(', ')}</Ltr>
          {': '}
          <Ltr>
            {l.incoming.host}:{l.incoming.port}
          </Ltr>
          {t('policy.listSeparator')}
          <Ltr>
            {l.outgoing.host}:{l.outgoing.port}
          </Ltr>
        </>
      )
    })
  }
  if (policy.protocols)
    lines.push({
      key: 'protocols',
      text: t('policy.rule.protocols', { protocols: list(policy.protocols.map((p) => t(`protocol.${p}`))) })
    })
  if (policy.security)
    lines.push({
      key: 'security',
      text: t('policy.rule.security', { security: list(policy.security.map((s) => t(`security.${s}`))) })
    })
  if (policy.minTlsVersion)
    lines.push({ key: 'tls', text: t('policy.rule.minTls', { version: policy.minTlsVersion.replace('v', ' ') }) })
  if (policy.hiddenFormats.length)
    lines.push({
      key: 'hidden',
      text: t('policy.rule.hidden', { formats: list(policy.hiddenFormats.map((f) => t(`format.${f}.name`))) })
    })
  if (policy.defaults.exportFormat)
    lines.push({
      key: 'format',
      text: t('policy.rule.defaultFormat', { format: t(`format.${policy.defaults.exportFormat}.name`) })
    })
  if (policy.defaults.storePassword === false) lines.push({ key: 'keychain', text: t('policy.rule.noKeychain') })
  return lines
}
