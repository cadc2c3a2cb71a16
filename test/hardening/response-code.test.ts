// Finding 9: responseCode() reads `[CODE]` token by token (the regex it replaces was quadratic:
// 216 ms of main-thread CPU for a 16 KB line; figures in bench/hardening.bench.ts). It must
// read every reply the regex read, the same way.
import { describe, expect, it } from 'vitest'
import { responseCode } from '../../src/main/diagnosis/classify'

const before = (text: string): string | undefined =>
  /^\s*(?:\*\s+|\S+\s+)?(?:OK|NO|BAD|BYE|-ERR|\+OK)?\s*\[([A-Za-z0-9/_-]+)(?:\s[^\]]*)?\]/i
    .exec(text)?.[1]
    ?.toUpperCase()

const REPLIES = [
  'A1 NO [AUTHENTICATIONFAILED] Authentication failed.',
  '* OK [ALERT] Please use an app password',
  '* BYE [UNAVAILABLE] shutting down',
  '-ERR [AUTH] Authentication failed.',
  '-ERR [SYS/TEMP] try later',
  '+OK [IN-USE mailbox locked] busy',
  'M001 no [limit] too many',
  'A1 NO[UNAVAILABLE] x',
  '[LIMIT] x',
  'A1 [X] y',
  'NO [LIMIT]',
  '   M001   NO   [EXPIRED]   ',
  'OK NO [X]',
  'A1 foo [X]',
  'A1 NO [bad code',
  'A1 NO text [X]',
  'x OK[Y]',
  '\t* \tOK\t[TAB] x',
  ''
]

describe('responseCode', () => {
  it('reads every reply the way the regex it replaces did', () => {
    for (const r of REPLIES) expect([r, responseCode(r)]).toEqual([r, before(r)])
  })

  it('agrees with the regex on generated replies', () => {
    const parts = [
      'A1',
      '*',
      'OK',
      'NO',
      'BAD',
      'BYE',
      '-ERR',
      '+OK',
      '[AUTH]',
      '[SYS/TEMP x]',
      '[',
      ']',
      'word',
      ' ',
      '  ',
      '\t',
      'x[Y]',
      'OK[Z]'
    ]
    let seed = 12
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648)
    for (let n = 0; n < 5000; n++) {
      let r = ''
      for (let k = next() % 7; k >= 0; k--) r += parts[next() % parts.length]
      expect([r, responseCode(r)]).toEqual([r, before(r)])
    }
  })

  it('reads a 64 KB hostile line (the regex needed minutes for it)', () => {
    expect(responseCode(`A1 ${' '.repeat(65536)}x`)).toBeUndefined()
    expect(responseCode(`A1 NO ${' '.repeat(65536)}[LIMIT] x`)).toBe('LIMIT')
  })
})
