// Path lists from the environment (MAIL_SETUP_EXTRA_CA, MAIL_SETUP_ISP_DIRS): a Windows path
// keeps its drive letter's colon.
import { describe, expect, it } from 'vitest'
import { pathList } from '../../src/main/config'

describe('pathList', () => {
  it('splits at ; only on Windows, so C:\\ stays one path', () => {
    expect(pathList('C:\\certs\\ca.pem;D:\\more\\ca2.pem', 'win32')).toEqual(['C:\\certs\\ca.pem', 'D:\\more\\ca2.pem'])
  })

  it('splits at : or ; elsewhere, and drops empty entries', () => {
    expect(pathList('/etc/ca.pem:/opt/ca2.pem;;/srv/ca3.pem', 'linux')).toEqual(['/etc/ca.pem', '/opt/ca2.pem', '/srv/ca3.pem'])
    expect(pathList(undefined, 'darwin')).toEqual([])
  })
})
