// Export registry (stub: the export work fills this in).
import type { Account, ExportFile, ExportFormatId, ExportFormatInfo } from '../../shared/account'
import { fail } from '../errors'

export interface ExportOptions {
  keychainService: string
  platform: NodeJS.Platform
}

export function listFormats(): ExportFormatInfo[] {
  return []
}

export async function exportAccount(account: Account, format: ExportFormatId, opts: ExportOptions): Promise<ExportFile> {
  void account
  void opts
  return fail('unsupported', { detail: `format ${format} not built yet` })
}
