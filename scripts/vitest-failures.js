// A vitest reporter for scripts/test.js: writes to $MAIL_SETUP_VITEST_FAILURES a JSON list of
// everything that failed — tests, suites whose hooks failed (their tests are then skipped, not
// failed), files that did not load, errors outside any test — and tests and hooks that used
// more than NEAR of their time limit, so a run on a slower machine names them before they fail.
import { writeFileSync } from 'node:fs'

const NEAR = 0.5

// A timeout's stack is the test's definition site ("Error: STACK_TRACE_ERROR"), not its message.
const errorText = (errors) =>
  (errors ?? [])
    .map((e) => (e.stack?.includes(e.message) ? e.stack : `${e.name ?? 'Error'}: ${e.message}\n${e.stack ?? ''}`))
    .join('\n')

export default class FailuresReporter {
  hooks = new Map()
  near = []

  onInit(vitest) {
    this.config = vitest.config
  }

  onHookStart(hook) {
    this.hooks.set(`${hook.entity.id}:${hook.name}`, Date.now())
  }

  onHookEnd(hook) {
    const start = this.hooks.get(`${hook.entity.id}:${hook.name}`)
    if (start === undefined) return
    const ms = Date.now() - start
    const limit = this.config?.hookTimeout ?? 10_000
    if (hook.name.endsWith('All') && ms > NEAR * limit) {
      const where = hook.entity.type === 'module' ? hook.entity.relativeModuleId : nameOf(hook.entity)
      // A hook's own timeout is not reported to this process: the default is what it is measured by.
      this.near.push({ title: `${where} (${hook.name}; unless it sets its own limit)`, ms, limit })
    }
  }

  onTestRunEnd(testModules, unhandledErrors) {
    const out = process.env.MAIL_SETUP_VITEST_FAILURES
    if (!out) return
    const failures = []
    for (const mod of testModules) {
      if (mod.errors().length) {
        failures.push({ runner: 'vitest', title: `${mod.relativeModuleId} (the file)`, error: errorText(mod.errors()) })
      }
      for (const suite of mod.children.allSuites()) {
        if (suite.errors().length) {
          failures.push({ runner: 'vitest', title: `${nameOf(suite)} (its hooks)`, error: errorText(suite.errors()) })
        }
      }
      for (const test of mod.children.allTests()) {
        const r = test.result()
        const ms = test.diagnostic()?.duration
        if (r.state === 'failed')
          failures.push({ runner: 'vitest', title: nameOf(test), error: errorText(r.errors), ms })
        const limit = test.options.timeout ?? this.config?.testTimeout ?? 5_000
        if (r.state === 'passed' && ms > NEAR * limit) this.near.push({ title: nameOf(test), ms, limit })
      }
    }
    if (unhandledErrors.length) {
      failures.push({ runner: 'vitest', title: 'errors outside any test', error: errorText(unhandledErrors) })
    }
    writeFileSync(out, JSON.stringify({ failures, near: this.near }))
  }
}

function nameOf(task) {
  return `${task.module.relativeModuleId} > ${task.fullName}`
}
