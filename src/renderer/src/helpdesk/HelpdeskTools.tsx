import { useTranslation } from 'react-i18next'
import { useWizard } from '../wizard'

/** The helpdesk area's other tools, offered on the troubleshoot step and on each tool. */
export function HelpdeskTools(): React.JSX.Element {
  const { t } = useTranslation()
  const { state, go } = useWizard()
  const tools = [
    { step: 'troubleshoot', label: t('helpdeskTools.account') },
    { step: 'domain', label: t('helpdeskTools.domain') },
    { step: 'bulk', label: t('helpdeskTools.bulk') }
  ] as const
  return (
    <nav className="helpdesk-tools" aria-label={t('helpdeskTools.label')}>
      <ul>
        {tools.map((tool) => (
          <li key={tool.step}>
            {state.step === tool.step ? (
              <span aria-current="page">{tool.label}</span>
            ) : (
              <button type="button" className="link-button" onClick={() => go(tool.step)}>
                {tool.label}
              </button>
            )}
          </li>
        ))}
      </ul>
    </nav>
  )
}
