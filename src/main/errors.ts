// Errors are values: services throw AppError (or return Diagnosis), doors turn it into Result.
import type { Diagnosis, DiagnosisCode } from '../shared/diagnosis'
import { isUserFixable } from './diagnosis/fixable'

export class AppError extends Error {
  readonly diagnosis: Diagnosis
  constructor(diagnosis: Omit<Diagnosis, 'userFixable'> & { userFixable?: boolean }) {
    super(diagnosis.detail ?? diagnosis.code)
    this.name = 'AppError'
    this.diagnosis = { ...diagnosis, userFixable: diagnosis.userFixable ?? isUserFixable(diagnosis.code) }
  }
}

export function fail(code: DiagnosisCode, extra: Partial<Omit<Diagnosis, 'code'>> = {}): never {
  throw new AppError({ code, ...extra })
}

/** Any thrown value as a Diagnosis; unknown errors become 'internal' without leaking a stack. */
export function toDiagnosis(err: unknown): Diagnosis {
  if (err instanceof AppError) return err.diagnosis
  const problem = (err as { addressProblem?: string } | null)?.addressProblem
  if (problem) return { code: 'address-invalid', userFixable: true, params: { problem }, detail: problem }
  if (err instanceof Error && err.name === 'AbortError') return { code: 'cancelled', userFixable: false }
  const detail = err instanceof Error ? err.message : String(err)
  return { code: 'internal', userFixable: false, detail: detail.slice(0, 500) }
}
