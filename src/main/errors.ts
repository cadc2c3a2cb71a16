// Errors are values: services throw AppError (or return Diagnosis), doors turn it into Result.
import type { Diagnosis, DiagnosisCode } from '../shared/diagnosis'
import { diagnose as build, type DiagnosisFields } from '../shared/diagnosis-catalog'

export class AppError extends Error {
  readonly diagnosis: Diagnosis
  constructor(diagnosis: DiagnosisFields & { code: DiagnosisCode }) {
    super(diagnosis.detail ?? diagnosis.code)
    this.name = 'AppError'
    this.diagnosis = build(diagnosis.code, diagnosis)
  }
}

export function fail(code: DiagnosisCode, extra: DiagnosisFields = {}): never {
  throw new AppError({ code, ...extra })
}

/** Any thrown value as a Diagnosis; unknown errors become 'internal' without leaking a stack. */
export function toDiagnosis(err: unknown): Diagnosis {
  if (err instanceof AppError) return err.diagnosis
  const problem = (err as { addressProblem?: string } | null)?.addressProblem
  if (problem) return build('address-invalid', { params: { problem }, detail: problem })
  if (err instanceof Error && err.name === 'AbortError') return build('cancelled')
  const detail = err instanceof Error ? err.message : String(err)
  return build('internal', { detail: detail.slice(0, 500) })
}
