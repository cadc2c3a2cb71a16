// The one place a server's bytes become text: UTF-8 when the bytes are valid UTF-8 (what
// servers send today, RFC 6855/6531), otherwise ISO-8859-1, which maps every byte to one
// character and so loses nothing. Decoding once, before redaction, is what lets a password
// the server echoes ("Pässwort") match the registered secret; reading UTF-8 as latin1 turned
// it into "PÃ¤sswort", which no redaction recognised.
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

export function decodeServerBytes(bytes: Uint8Array): string {
  try {
    return strict.decode(bytes)
  } catch {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
  }
}
