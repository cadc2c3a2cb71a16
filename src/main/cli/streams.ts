// The last gate before the terminal: whatever the CLI writes passes through here, so a
// message that forgot to escape a value still cannot carry a control sequence. Human text
// keeps only our own line breaks; JSON keeps its meaning (control characters can only be
// inside its strings, where a \u escape reads back as the same character).
import { forTerminal, jsonSafe } from '../../shared/escape'

export interface Streams {
  stdout(text: string): void
  stderr(text: string): void
}

/** Human text: every line escaped for the terminal, the line breaks kept. */
export function terminalText(text: string): string {
  return text.split('\n').map(forTerminal).join('\n')
}

/** Wraps the CLI's output streams: stdout carries JSON when `json`, stderr is always human text. */
export function safeStreams<T extends Streams>(io: T, json: boolean): T {
  return {
    ...io,
    stdout: (text: string) => io.stdout(json ? jsonSafe(text) : terminalText(text)),
    stderr: (text: string) => io.stderr(terminalText(text))
  }
}

/** A message that may quote a user's argument, cut to a size a terminal can show. */
export function clipMessage(message: string, max = 400): string {
  return message.length > max ? `${message.slice(0, max)}… (${message.length - max} more characters)` : message
}
