import { useTranslation } from 'react-i18next'
import type { Probe, ProbeStep, StepName } from '../../../../shared/verify'
import { formatMs } from '../../components/format'
import { Ltr } from '../../components/Ltr'

export const STEP_NAMES: StepName[] = ['dns', 'tcp', 'tls', 'certificate', 'greeting', 'capabilities', 'auth']

const ICON: Record<ProbeStep['state'], string> = { pending: '·', running: '◌', ok: '✓', failed: '✕', skipped: '–' }

function Cell({ step, stopped }: { step: ProbeStep | undefined; stopped: boolean }): React.JSX.Element {
  const { t } = useTranslation()
  // A probe stopped because a better one succeeded did not fail: its unfinished steps read as not needed.
  const raw = step?.state ?? 'pending'
  const state = stopped && raw !== 'ok' ? 'skipped' : raw
  return (
    <td className={`cell ${state}`}>
      <span className="icon" aria-hidden="true">
        {ICON[state]}
      </span>
      <span className="visually-hidden">{t(`stepState.${state}`)}</span>
      {step?.ms !== undefined && state !== 'pending' && <bdi className="ms">{formatMs(step.ms)}</bdi>}
    </td>
  )
}

/** Connected, and the server has sent nothing yet (the main side marks the step after a while). */
const quiet = (p: Probe): boolean =>
  p.state === 'running' && p.steps.some((s) => s.state === 'running' && s.info === 'no-answer-yet')

function Table({ role, probes }: { role: Probe['role']; probes: Probe[] }): React.JSX.Element | null {
  const { t } = useTranslation()
  if (probes.length === 0) return null
  return (
    <table className="matrix">
      <caption>{t(`checking.${role}`)}</caption>
      <thead>
        <tr>
          <th scope="col">{t('checking.server')}</th>
          {STEP_NAMES.map((n) => (
            <th scope="col" key={n}>
              {t(`step.${n}`)}
            </th>
          ))}
          <th scope="col">{t('checking.total')}</th>
        </tr>
      </thead>
      <tbody>
        {probes.map((p) => (
          <tr key={p.id} className={`probe ${p.state}`} data-probe={`${p.settings.host}:${p.settings.port}`}>
            <th scope="row">
              <span className="proto">{t(`protocol.${p.settings.protocol}`)}</span>{' '}
              <Ltr>{`${p.settings.host}:${p.settings.port}`}</Ltr>
              <span className="sec">{t(`security.${p.settings.security}`)}</span>
            </th>
            {STEP_NAMES.map((n) => (
              <Cell
                key={n}
                step={p.steps.find((s) => s.name === n)}
                stopped={p.state === 'cancelled' || p.state === 'skipped'}
              />
            ))}
            <td className={`cell total ${p.state}`}>
              <span>{t(`probeState.${quiet(p) ? 'quiet' : p.state}`)}</span>
              {p.state !== 'running' && <bdi className="ms">{formatMs(p.ms)}</bdi>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** Every host:port tried, step by step, with times. */
export function ProbeMatrix({ probes }: { probes: Probe[] }): React.JSX.Element | null {
  if (probes.length === 0) return null
  return (
    <div className="matrix-wrap">
      <Table role="incoming" probes={probes.filter((p) => p.role === 'incoming')} />
      <Table role="outgoing" probes={probes.filter((p) => p.role === 'outgoing')} />
    </div>
  )
}
