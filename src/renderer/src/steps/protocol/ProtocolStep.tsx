import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import type { IncomingProtocol } from '../../../../shared/domain'
import { StepHeading } from '../../components/StepHeading'
import { StepActions } from '../../components/StepActions'
import { offers, selectedCandidate } from '../../state'
import { useWizard } from '../../wizard'
import { PopOptions } from './PopOptions'
import { allowedProtocols, usePolicy } from '../../policy/context'
import { ltrValue } from '../../components/Ltr'

const POINTS: Record<IncomingProtocol, string[]> = {
  imap: ['sync', 'devices', 'folders', 'storage'],
  pop3: ['download', 'oneDevice', 'webmail', 'storage']
}

export function ProtocolStep(): React.JSX.Element {
  const { t, i18n } = useTranslation()
  const { state, update, go } = useWizard()
  const policy = usePolicy()
  const candidate = selectedCandidate(state)
  const provider = candidate?.providerName ?? state.address.split('@').pop() ?? ''
  // A protocol the organisation does not allow is not offered at all (main refuses it anyway).
  const allowed = allowedProtocols(policy)
  const only = allowed.length === 1 ? allowed[0] : undefined
  useEffect(() => {
    if (only && state.protocol !== only) update({ protocol: only })
  }, [only, state.protocol, update])

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault()
        go('signin')
      }}
    >
      <StepHeading>{t('choose.title')}</StepHeading>
      <p className="lead">{t('choose.intro')}</p>
      <fieldset className="protocols">
        <legend className="visually-hidden">{t('choose.legend')}</legend>
        {allowed.map((p) => {
          const available = offers(candidate, p)
          return (
            <label
              key={p}
              className={`choice card ${state.protocol === p ? 'selected' : ''} ${available ? '' : 'unavailable'}`}
            >
              <input
                type="radio"
                name="protocol"
                value={p}
                checked={state.protocol === p}
                disabled={!available}
                aria-describedby={`${p}-points${available ? '' : ` ${p}-missing`}`}
                onChange={() => update({ protocol: p })}
              />
              <span className="choice-body">
                <span className="choice-title">
                  {t(`choose.${p}.name`)}
                  {p === 'imap' && available && <span className="badge">{t('choose.recommended')}</span>}
                </span>
                <span className="choice-detail">{t(`choose.${p}.summary`)}</span>
                <ul id={`${p}-points`} className="points">
                  {POINTS[p].map((k) => (
                    <li key={k}>{t(`choose.${p}.${k}`)}</li>
                  ))}
                </ul>
                {!available && (
                  <span id={`${p}-missing`} className="why warn-text">
                    {t('choose.notOffered', { provider, protocol: t(`choose.${p}.name`) })}
                  </span>
                )}
              </span>
            </label>
          )
        })}
      </fieldset>
      {only && (
        <p className="note policy-only">
          {t('policy.protocolOnly', {
            organisation: ltrValue(policy.organisation ?? '', i18n.dir()),
            protocol: t(`choose.${only}.name`)
          })}
        </p>
      )}
      {state.protocol === 'pop3' && <PopOptions />}
      <StepActions>
        <button type="submit" className="primary">
          {t('common.continue')}
        </button>
      </StepActions>
    </form>
  )
}
