// Saves a file through the browser's download (browser mode, or when no dialog exists).
export function downloadFile(
  fileName: string,
  mimeType: string,
  content: string,
  encoding: 'utf8' | 'base64' = 'utf8'
): void {
  downloadBlob(fileName, new Blob([encoding === 'base64' ? base64ToBytes(content) : content], { type: mimeType }))
}

/** A Blob (the browser keeps its bytes, not the page's heap) saved through the browser's download. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.rel = 'noopener'
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return bytes
}
