// Which diagnosis code a piece of work refused with: the one helper every test uses for it.
import { AppError } from '../../src/main/errors'
import type { DiagnosisCode } from '../../src/shared/diagnosis'

/** A diagnosis code, or 'resolved' when the work did not refuse. */
export type Outcome = DiagnosisCode | 'resolved'

/**
 * The code of the AppError `work` threw (a function) or rejected with (a promise, or what the
 * function returned); 'resolved' when it succeeded. Any other error is thrown again, so a crash
 * never passes for a refusal.
 */
export async function codeOf(work: Promise<unknown> | (() => unknown)): Promise<Outcome> {
  try {
    await (typeof work === 'function' ? work() : work)
    return 'resolved'
  } catch (err) {
    if (err instanceof AppError) return err.diagnosis.code
    throw err
  }
}
