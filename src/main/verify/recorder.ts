// One probe's record: its steps, its transcript and its outcome. Every line passes through
// redact() as it is written, so nothing unredacted is ever stored, let alone emitted.
import type { Diagnosis } from '../../shared/diagnosis'
import type { ServerSettings } from '../../shared/domain'
import type { Probe, ProbeStep, StepName } from '../../shared/verify'
import { AppError, toDiagnosis } from '../errors'
import { redact, redactSecrets } from '../redact'
import { forText } from '../../shared/escape'
import { diagnose } from '../../shared/diagnosis-catalog'

const MAX_TRANSCRIPT = 2000
const MAX_TEXT = 2000

/** Steps in the order they run for each kind of security. */
/** A running step's info while a connected server has sent nothing yet (shown as "not answering yet"). */
export const NO_ANSWER_YET = 'no-answer-yet'

export function plannedSteps(security: ServerSettings['security']): StepName[] {
  if (security === 'tls') return ['dns', 'tcp', 'tls', 'certificate', 'greeting', 'capabilities', 'auth']
  return ['dns', 'tcp', 'greeting', 'tls', 'certificate', 'capabilities', 'auth']
}

export class ProbeRecorder {
  readonly probe: Probe
  private readonly t0 = performance.now()
  private full = false

  private emit: (probe: Probe) => void
  /** An update is waiting for the end of this turn of the event loop. */
  private due = false

  constructor(id: string, role: Probe['role'], settings: ServerSettings, emit: (probe: Probe) => void) {
    this.emit = emit
    this.probe = {
      id,
      role,
      settings,
      state: 'running',
      steps: plannedSteps(settings.security).map((name) => ({ name, state: 'pending' as const })),
      transcript: [],
      ms: 0
    }
  }

  elapsed(): number {
    return performance.now() - this.t0
  }

  /** Adds a transcript line: c client, s server, i what the tool did. */
  line(dir: 'c' | 's' | 'i', text: string): void {
    if (this.full) return
    if (this.probe.transcript.length >= MAX_TRANSCRIPT - 1) {
      this.full = true
      this.probe.transcript.push({ t: this.elapsed(), dir: 'i', text: '(transcript truncated)' })
      return
    }
    // Decoded once (decode.ts), redacted, then escaped: escaping first would hide a non-ASCII
    // password from redaction ("P\xc3\xa4sswort" matches no secret).
    let clean = forText(redact(text))
    if (clean.length > MAX_TEXT) clean = `${clean.slice(0, MAX_TEXT - 20)}… (${clean.length} chars)`
    this.probe.transcript.push({ t: Math.round(this.elapsed() * 10) / 10, dir, text: clean })
  }

  private stepOf(name: StepName): ProbeStep {
    let step = this.probe.steps.find((s) => s.name === name)
    if (!step) {
      step = { name, state: 'pending' }
      this.probe.steps.push(step)
    }
    return step
  }

  setStep(name: StepName, state: ProbeStep['state'], info?: string, ms?: number): void {
    const step = this.stepOf(name)
    step.state = state
    if (info !== undefined) step.info = redactSecrets(info).slice(0, 1000)
    if (ms !== undefined) step.ms = Math.round(ms * 10) / 10
    this.changed()
  }

  /**
   * Runs one step under its own deadline and the probe's signal. A deadline becomes
   * 'timeout', the probe's cancellation 'cancelled'; any other failure keeps its code.
   */
  async step<T>(
    name: StepName,
    timeoutMs: number,
    parent: AbortSignal,
    fn: (signal: AbortSignal) => Promise<T>,
    info?: (value: T) => string | undefined,
    /** Marks the running step 'no-answer-yet' after this long (the server's first bytes). */
    quietMs?: number
  ): Promise<T> {
    const start = performance.now()
    // A deadline we can clear, and an abort listener we remove: Node keeps an AbortSignal.any()
    // signal that has a listener until it aborts, so one left behind per step kept every
    // finished probe (its socket and certificate too) in memory for the life of the process.
    const deadline = new AbortController()
    const timer = setTimeout(() => deadline.abort(new DOMException(`${name} deadline`, 'TimeoutError')), timeoutMs)
    const signal = AbortSignal.any([parent, deadline.signal])
    const aborted = abortRace(signal)
    this.setStep(name, 'running')
    const quiet =
      quietMs === undefined ? undefined : setTimeout(() => this.setStep(name, 'running', NO_ANSWER_YET), quietMs)
    try {
      // The race makes a step that ignores its signal still end at its deadline.
      const value = await Promise.race([fn(signal), aborted.promise])
      this.setStep(name, 'ok', info?.(value), performance.now() - start)
      return value
    } catch (err) {
      let diagnosis: Diagnosis
      if (parent.aborted) diagnosis = diagnose('cancelled')
      else if (deadline.signal.aborted)
        diagnosis = diagnose('timeout', { detail: `${name} step took longer than ${timeoutMs} ms` })
      else diagnosis = toDiagnosis(err)
      this.setStep(name, 'failed', diagnosis.code, performance.now() - start)
      throw new AppError({ ...diagnosis, detail: diagnosis.detail ?? `${name} failed` })
    } finally {
      clearTimeout(quiet)
      clearTimeout(timer)
      aborted.dispose()
    }
  }

  /**
   * Hands a record begun ahead of its check (warm.ts) to the probe that takes its connection
   * over: that probe's id, role and settings (the trusted source's), and its listener, which
   * gets the record so far at once. `note` says in the transcript what happened.
   */
  handOver(
    id: string,
    role: Probe['role'],
    settings: ServerSettings,
    emit: (probe: Probe) => void,
    note: string
  ): void {
    this.probe.id = id
    this.probe.role = role
    this.probe.settings = settings
    this.emit = emit
    this.line('i', note)
    this.changed(true)
  }

  skip(name: StepName, info?: string): void {
    this.setStep(name, 'skipped', info)
  }

  finish(state: Probe['state'], diagnosis?: Diagnosis): Probe {
    for (const s of this.probe.steps) if (s.state === 'pending' || s.state === 'running') s.state = 'skipped'
    this.probe.state = state
    if (diagnosis) {
      this.probe.diagnosis = {
        ...diagnosis,
        serverSays: diagnosis.serverSays ? redact(diagnosis.serverSays).slice(0, 4000) : undefined,
        detail: diagnosis.detail ? redact(diagnosis.detail).slice(0, 4000) : undefined
      }
    }
    this.changed(true)
    return this.snapshot()
  }

  snapshot(): Probe {
    return structuredClone(this.probe)
  }

  /**
   * Tells the listener, once per turn of the event loop: a step's end and the next one's start
   * (the same turn) go out as one update, not two copies of the whole record. `now` sends at
   * once (the outcome, a hand-over), so the last update a listener sees is the final one.
   */
  private changed(now = false): void {
    this.probe.ms = Math.round(this.elapsed())
    if (now) return this.send()
    if (this.due) return
    this.due = true
    setImmediate(() => {
      if (this.due) this.send()
    })
  }

  private send(): void {
    this.due = false
    try {
      this.emit(this.snapshot())
    } catch {
      // A listener's failure must not change the probe's outcome.
    }
  }
}

/** A promise that rejects when `signal` aborts; dispose() removes its listener once the race is over. */
export function abortRace(signal: AbortSignal): { promise: Promise<never>; dispose(): void } {
  let fire = (): void => undefined
  const promise = new Promise<never>((_, reject) => {
    fire = () => reject(signal.reason ?? new DOMException('Aborted', 'AbortError'))
    if (signal.aborted) fire()
    else signal.addEventListener('abort', fire, { once: true })
  })
  // A race that ended otherwise leaves this promise pending forever, never rejected unobserved.
  promise.catch(() => undefined)
  return { promise, dispose: () => signal.removeEventListener('abort', fire) }
}
