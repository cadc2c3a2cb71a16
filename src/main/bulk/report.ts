// The bulk check's outputs: a CSV of every row and a self-contained HTML report grouped by
// verdict and by server, each row with the words for its verdict and diagnosis and its
// evidence. Every value was redacted when the row was made; here it is escaped for its file.
import { forHtml, forText } from '../../shared/escape'
import locale from '../../shared/locales/en.json' with { type: 'json' }
import { describeDiagnosis } from '../cli/catalog'
import type { DiagnosisCode } from '../../shared/diagnosis'
import { csvLine } from './csv'
import type { CheckResult, Verdict } from './check'
import { diagnose } from '../../shared/diagnosis-catalog'
import { VERDICT_ORDER } from '../../shared/bulk-check'

/** The results file's columns, in order (docs/cli.md lists them for the scripts that read it). */
export const CSV_COLUMNS = [
  'row',
  'address',
  'verdict',
  'code',
  'incoming',
  'outgoing',
  'username',
  'username_form',
  'server_says',
  'ms'
] as const

export const verdictWords = (v: Verdict): string => (locale.ui.bulk.verdict as Record<Verdict, string>)[v]

export function csvHeader(): string {
  return csvLine([...CSV_COLUMNS])
}

export function csvRow(r: CheckResult): string {
  return csvLine(
    [
      r.row,
      r.address,
      r.verdict,
      r.code,
      r.incoming,
      r.outgoing,
      r.username,
      r.usernameForm,
      r.serverSays && forText(r.serverSays),
      r.ms
    ].map((v) => (typeof v === 'string' ? forText(v) : v))
  )
}

/** The diagnosis title for a code (the row keeps no parameters, so no sentence that needs them). */
function codeWords(code: string | undefined): string {
  return code ? describeDiagnosis(diagnose(code as DiagnosisCode)).title : ''
}

const TABLE_HEAD =
  '<table><tr><th>#</th><th>Address</th><th>Verdict</th><th>Why</th><th>Servers</th><th>User name</th><th>Server said</th></tr>\n'

function tableRow(r: CheckResult): string {
  const h = (v: string | number | undefined): string => forHtml(v === undefined ? '' : String(v))
  return `<tr class="${h(r.verdict)}"><td>${r.row}</td><td>${h(r.address)}</td><td>${h(verdictWords(r.verdict))}</td><td>${h(codeWords(r.code))}${r.code ? ` <code>${h(r.code)}</code>` : ''}</td><td>${h(r.incoming)}<br>${h(r.outgoing)}</td><td>${h(r.username)}${r.usernameForm ? ` (${h(r.usernameForm)})` : ''}</td><td>${h(r.serverSays)}</td></tr>\n`
}

/** The incoming server a row is grouped under ("imap host:993 tls" → "host:993"). */
const serverOf = (r: CheckResult): string => (r.incoming ?? 'no server').split(' ')[1] ?? 'no server'

/** Counts of a run's rows by verdict and by server: one pass, a number per verdict and server, never the rows. */
export interface Tally {
  checked: number
  byVerdict: Map<Verdict, number>
  byServer: Map<string, Map<Verdict, number>>
}

export async function tally(rows: AsyncIterable<CheckResult>): Promise<Tally> {
  const t: Tally = { checked: 0, byVerdict: new Map(), byServer: new Map() }
  for await (const r of rows) {
    t.checked++
    t.byVerdict.set(r.verdict, (t.byVerdict.get(r.verdict) ?? 0) + 1)
    const counts = t.byServer.get(serverOf(r)) ?? new Map<Verdict, number>()
    counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1)
    t.byServer.set(serverOf(r), counts)
  }
  return t
}

/** The CSV report, a line per finished row as the state file has them. */
export async function* csvReport(rows: () => AsyncIterable<CheckResult>): AsyncGenerator<string> {
  yield csvHeader()
  for await (const r of rows()) yield csvRow(r)
}

/**
 * The self-contained HTML report, made by streaming passes over the finished rows (`rows()`
 * reads them again from the start each time): one to count, then one per verdict that has rows.
 * No pass keeps a row after writing it.
 */
export async function* htmlReport(
  rows: () => AsyncIterable<CheckResult>,
  meta: { source: string; started: string; ms: number; interrupted: boolean }
): AsyncGenerator<string> {
  const t = await tally(rows())
  const present = VERDICT_ORDER.filter((v) => t.byVerdict.get(v))
  const summary = present
    .map((v) => `<li><a href="#${v}">${forHtml(verdictWords(v))}</a>: ${t.byVerdict.get(v)}</li>`)
    .join('')
  yield `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Mail Setup — bulk check</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:start;vertical-align:top;overflow-wrap:anywhere}tr.ready td:nth-child(3){color:#176b2c}tr:not(.ready) td:nth-child(3){color:#a4161a;font-weight:600}code{font-size:12px;color:#555}</style></head>
<body><h1>Bulk check: ${t.checked} account(s)</h1>
<p>${forHtml(meta.source)} — started ${forHtml(meta.started)}, ${Math.round(meta.ms / 1000)} s${meta.interrupted ? ' — <strong>interrupted: the remaining rows were not checked</strong>' : ''}</p>
<ul>${summary}</ul>
`
  for (const v of present) {
    yield `<h2 id="${v}">${forHtml(verdictWords(v))} (${t.byVerdict.get(v)})</h2>\n${TABLE_HEAD}`
    for await (const r of rows()) if (r.verdict === v) yield tableRow(r)
    yield '</table>\n'
  }
  yield `<h2>By server</h2>
<table><tr><th>Incoming server</th>${VERDICT_ORDER.map((v) => `<th>${forHtml(verdictWords(v))}</th>`).join('')}</tr>
`
  for (const [host, counts] of [...t.byServer].sort(([a], [b]) => a.localeCompare(b)))
    yield `<tr><td>${forHtml(host)}</td>${VERDICT_ORDER.map((v) => `<td>${counts.get(v) ?? ''}</td>`).join('')}</tr>\n`
  yield `</table>
</body></html>
`
}
