import { useTranslation } from 'react-i18next'
import type { AuthMethod, IncomingProtocol, Security } from '../../../../shared/domain'
import type { DraftServer } from '../../state'
import type { DraftProblem } from './draft'
import { defaultPort, PORT_RULES, securityForPort } from '../../../../shared/ports'

const AUTH: AuthMethod[] = ['password-cleartext', 'password-encrypted', 'oauth2', 'ntlm', 'gssapi', 'none']

interface Props {
  role: 'incoming' | 'outgoing'
  /** The id of the note saying who locked these servers: the fields are then read-only. */
  lockedBy?: string
  /** What the organisation's policy allows (all, when not given). */
  protocols?: IncomingProtocol[]
  security?: Security[]
  value: DraftServer
  problems: DraftProblem[]
  showProblems: boolean
  onChange(next: DraftServer): void
}

/** One server's fields. Changing the port offers the security that port is used with. */
export function ServerFields(props: Props): React.JSX.Element {
  const { role, value, problems, showProblems, onChange, lockedBy } = props
  const protocols = props.protocols ?? ['imap', 'pop3']
  const securities = props.security ?? ['tls', 'starttls', 'plain']
  const { t } = useTranslation()
  const id = (f: string): string => `${role}-${f}`
  const locked = Boolean(lockedBy)
  /** aria-describedby: the lock's reason first, then the field's own notes. */
  const described = (...ids: Array<string | undefined | false>): string | undefined =>
    [lockedBy, ...ids].filter(Boolean).join(' ') || undefined
  const set = (patch: Partial<DraftServer>): void => onChange({ ...value, ...patch })
  const suggested = securityForPort(Number(value.port))
  const offer = suggested && suggested !== value.security ? suggested : undefined
  const bad = (p: DraftProblem): boolean => showProblems && problems.includes(p)

  function setProtocol(protocol: DraftServer['protocol']): void {
    // Moving between IMAP and POP moves a standard port along with it.
    const sec = value.security === 'plain' ? 'starttls' : value.security
    const wasDefault = PORT_RULES.some((r) => r.security === sec && String(r.port) === value.port)
    set({ protocol, ...(wasDefault ? { port: String(defaultPort(protocol, sec)) } : {}) })
  }

  return (
    <fieldset className="server">
      <legend>{t(`manual.${role}`)}</legend>
      {role === 'incoming' && (
        <div className="field">
          <label htmlFor={id('protocol')}>{t('manual.protocol')}</label>
          <select
            id={id('protocol')}
            value={value.protocol}
            disabled={locked}
            aria-describedby={described()}
            onChange={(e) => setProtocol(e.target.value as DraftServer['protocol'])}
          >
            {protocols.map((p) => (
              <option key={p} value={p}>
                {t(`protocol.${p}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field grow">
        <label htmlFor={id('host')}>{t('manual.host')}</label>
        <input
          id={id('host')}
          type="text"
          dir="ltr"
          spellCheck={false}
          autoCapitalize="off"
          value={value.host}
          readOnly={locked}
          aria-invalid={bad('host')}
          aria-describedby={described(bad('host') && id('host-problem'))}
          onChange={(e) => set({ host: e.target.value })}
        />
        {bad('host') && (
          <p id={id('host-problem')} className="problem">
            {t('manual.problem.host')}
          </p>
        )}
      </div>
      <div className="field narrow">
        <label htmlFor={id('port')}>{t('manual.port')}</label>
        <input
          id={id('port')}
          type="text"
          inputMode="numeric"
          dir="ltr"
          value={value.port}
          readOnly={locked}
          aria-invalid={bad('port')}
          aria-describedby={described(bad('port') && id('port-problem'))}
          onChange={(e) => set({ port: e.target.value.replace(/[^0-9]/g, '').slice(0, 5) })}
        />
        {bad('port') && (
          <p id={id('port-problem')} className="problem">
            {t('manual.problem.port')}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor={id('security')}>{t('manual.security')}</label>
        <select
          id={id('security')}
          value={value.security}
          disabled={locked}
          aria-describedby={described(id('security-note'))}
          onChange={(e) => set({ security: e.target.value as Security })}
        >
          {securities.map((s) => (
            <option key={s} value={s}>
              {t(`security.${s}`)}
            </option>
          ))}
        </select>
        <div id={id('security-note')} aria-live="polite">
          {offer && !locked && securities.includes(offer) && (
            <p className="suggest">
              {t('manual.portSuggests', { port: value.port, security: t(`security.${offer}`) })}{' '}
              <button type="button" className="link-button" onClick={() => set({ security: offer })}>
                {t('manual.useSecurity', { security: t(`security.${offer}`) })}
              </button>
            </p>
          )}
          {value.security === 'plain' && <p className="warn-text">{t('manual.plainWarning')}</p>}
        </div>
      </div>
      <div className="field">
        <label htmlFor={id('auth')}>{t('manual.auth')}</label>
        <select id={id('auth')} value={value.auth} onChange={(e) => set({ auth: e.target.value as AuthMethod })}>
          {AUTH.filter((a) => role === 'outgoing' || a !== 'none').map((a) => (
            <option key={a} value={a}>
              {t(`auth.${a}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field grow">
        <label htmlFor={id('username')}>{t('manual.username')}</label>
        <input
          id={id('username')}
          type="text"
          dir="ltr"
          spellCheck={false}
          autoCapitalize="off"
          value={value.username}
          readOnly={locked}
          aria-invalid={bad('username')}
          aria-describedby={described(bad('username') && id('username-problem'))}
          onChange={(e) => set({ username: e.target.value })}
        />
        {bad('username') && (
          <p id={id('username-problem')} className="problem">
            {t('manual.problem.username')}
          </p>
        )}
      </div>
    </fieldset>
  )
}
