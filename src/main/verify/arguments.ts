// No control character in any protocol argument. A user name with CR LF in it (from an
// autoconfig file's `&#13;&#10;`, an Autodiscover LoginName or a CLI URL's `%0D%0A`) would
// end the command early and smuggle another one (`DELE 1`) into the session. Refused before
// the sign-in with a typed diagnosis; LineSocket.write refuses any line break as a last gate.
import { hasUnsafeChars } from '../../shared/escape'
import { fail } from '../errors'

/** Throws unsafe-characters when a user name carries a control, C1, bidi or separator character. */
export function checkUsername(username: string): void {
  if (hasUnsafeChars(username)) {
    fail('unsafe-characters', { detail: 'the user name contains a control character; nothing was sent' })
  }
}

/** Throws unsafe-characters when one protocol line would be more than one line. */
export function checkLine(line: string): void {
  if (/[\r\n\0]/.test(line))
    fail('unsafe-characters', { detail: 'a command would have carried a line break or NUL; nothing was sent' })
}
