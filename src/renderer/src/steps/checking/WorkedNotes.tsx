import { useTranslation } from 'react-i18next'
import type { Probe } from '../../../../shared/verify'
import { ltrValue } from '../../components/Ltr'
import { SMTP_RELAY_PORT } from '../../../../shared/ports'

/**
 * What the user should know about the servers that worked, on the result itself rather than
 * under details: which user name form a server wanted when nobody had named it (the account
 * keeps that form), and that sending works on port 25 only, which many networks block.
 */
export function WorkedNotes({ probes }: { probes: Probe[] }): React.JSX.Element | null {
  const { t, i18n } = useTranslation()
  const notes = new Map<string, string>()
  for (const p of probes) {
    if (p.usernameForm && p.usernameForm !== 'given') {
      const text = t(`checking.usernameForm.${p.usernameForm}`, { username: ltrValue(p.settings.username, i18n.dir()) })
      notes.set(`form-${p.usernameForm}-${p.settings.username}`, text)
    }
    if (p.role === 'outgoing' && p.settings.port === SMTP_RELAY_PORT) notes.set('port25', t('checking.port25'))
  }
  if (!notes.size) return null
  return (
    <ul className="worked-notes">
      {[...notes].map(([key, text]) => (
        <li key={key} data-note={key.startsWith('form-') ? 'username-form' : key}>
          {text}
        </li>
      ))}
    </ul>
  )
}
