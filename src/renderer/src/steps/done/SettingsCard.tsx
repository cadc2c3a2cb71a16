import { useTranslation } from 'react-i18next'
import type { ServerSettings } from '../../../../shared/domain'
import { CopyButton } from '../../components/CopyButton'
import { Ltr } from '../../components/Ltr'

/** The verified settings, to read, copy or print. */
export function SettingsCard({
  incoming,
  outgoing
}: {
  incoming: ServerSettings
  outgoing: ServerSettings
}): React.JSX.Element {
  const { t } = useTranslation()
  const rows = (s: ServerSettings): [string, string, boolean][] => [
    [t('card.type'), t(`protocol.${s.protocol}`), false],
    [t('card.server'), s.host, true],
    [t('card.port'), String(s.port), true],
    [t('card.security'), t(`security.${s.security}`), false],
    [t('card.username'), s.username, true],
    [t('card.auth'), s.auth.map((a) => t(`auth.${a}`)).join(', '), false],
    ...(s.pop3
      ? ([
          [
            t('card.leaveOnServer'),
            s.pop3.leaveOnServer
              ? s.pop3.daysToLeave
                ? t('card.leaveDays', { count: s.pop3.daysToLeave })
                : t('common.yes')
              : t('common.no'),
            false
          ]
        ] as [string, string, boolean][])
      : [])
  ]
  const asText = (): string =>
    [
      [t('card.incoming'), incoming],
      [t('card.outgoing'), outgoing]
    ]
      .map(([title, s]) => [title as string, ...rows(s as ServerSettings).map(([k, v]) => `  ${k}: ${v}`)].join('\n'))
      .join('\n\n')

  return (
    <section className="settings-card" aria-labelledby="card-title">
      <h2 id="card-title">{t('card.title')}</h2>
      <div className="card-columns">
        {(
          [
            ['incoming', incoming],
            ['outgoing', outgoing]
          ] as const
        ).map(([role, s]) => (
          <div key={role}>
            <h3>{t(`card.${role}`)}</h3>
            <dl>
              {rows(s).map(([k, v, ltr]) => (
                <div key={k} className="row">
                  <dt>{k}</dt>
                  <dd>{ltr ? <Ltr>{v}</Ltr> : v}</dd>
                </div>
              ))}
            </dl>
          </div>
        ))}
      </div>
      <div className="actions no-print">
        <CopyButton text={asText} label={t('card.copy')} />
        <button type="button" className="secondary" onClick={() => window.print()}>
          {t('card.print')}
        </button>
      </div>
    </section>
  )
}
