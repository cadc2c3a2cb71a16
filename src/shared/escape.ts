// Escaping for where text leaves the app, one function per medium. Text that came from a
// server (or from a file a server wrote) is decoded once, redacted, then passed through the
// function of the medium it goes to — never printed raw:
//   terminal  forTerminal   CLI human output (a server must not set the title, write the
//                           clipboard with OSC 52, erase lines or start a fake line)
//   file      forText       plain-text files people open with cat or less (the report)
//   JSON      toJson        CLI --json, the browser door
//   HTML      forHtml       pages we write by hand (the OAuth redirect page)
// Pure: runs in main, the renderer and tests alike.

/**
 * Characters that change how the rest of a line is shown rather than showing themselves:
 * C0 controls (ESC, CR, LF, BEL, backspace…), DEL, C1 controls (U+009B is a one-byte CSI,
 * U+009D an OSC), the bidirectional controls (U+202E turns "gpj.exe" into "exe.jpg"), and the
 * Unicode line and paragraph separators.
 */

export const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g

/** The same set without the line feed, which JSON has only as indentation. */

const UNSAFE_IN_JSON =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g

/** True when the text holds a character of UNSAFE_CHARS. */
export function hasUnsafeChars(text: string): boolean {
  UNSAFE_CHARS.lastIndex = 0
  const found = UNSAFE_CHARS.test(text)
  UNSAFE_CHARS.lastIndex = 0
  return found
}

/** Bidirectional formatting controls (Trojan Source, CVE-2021-42574). */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

function visible(c: string): string {
  const n = c.charCodeAt(0)
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`
}

/** For a terminal: every unsafe character becomes a visible `\x1b` / `\u202e`; a backslash stays. */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE_CHARS, visible)
}

/** For a plain-text file: the same rule as the terminal (the file ends up in one). */
export function forText(text: string): string {
  return forTerminal(text)
}

/** For HTML text and attribute values. */
export function forHtml(text: string): string {
  return forTerminal(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/**
 * JSON text whose bytes are safe to print: the value is unchanged (a reader gets the same
 * strings back), but C1, bidi and separator characters travel as \u escapes instead of raw.
 * Outside its strings JSON has only ASCII and indentation, so escaping every match keeps the
 * document valid.
 */
export function jsonSafe(json: string): string {
  return json.replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** A value as printable JSON (see jsonSafe). */
export function toJson(value: unknown, indent?: number): string {
  return jsonSafe(JSON.stringify(value, null, indent))
}

/**
 * A tagged template for terminal lines: every interpolated value is escaped, the template's
 * own text (our newlines and layout) is kept.
 */
export function term(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0]!
  values.forEach((v, i) => {
    out += forTerminal(String(v)) + strings[i + 1]!
  })
  return out
}

/** A user-given argument quoted in an error message: escaped and cut to `max` characters. */
export function quoteArg(value: string, max = 120): string {
  if (value.length <= max) return `"${forTerminal(value)}"`
  return `"${forTerminal(value.slice(0, max))}…" (${value.length} characters)`
}
