// The platform texts keytar passes through, and the code each becomes.
import { describe, expect, it } from 'vitest'
import { classifyKeychainError } from '../../src/main/diagnosis/keychain'

describe('classifyKeychainError', () => {
  it.each([
    // libsecret / D-Bus (seen on this machine)
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'keychain-unavailable'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'keychain-unavailable'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'keychain-unavailable'],
    ['Cannot create an item in a locked collection', 'keychain-locked'],
    ['Prompt dismissed', 'keychain-denied'],
    ['org.freedesktop.DBus.Error.AccessDenied: Rejected send message', 'keychain-denied'],
    // keytar's native module missing or built for another Node
    ["Cannot find module 'keytar'", 'keychain-unavailable'],
    [
      'The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115',
      'keychain-unavailable'
    ],
    // macOS Security framework
    ['User canceled the operation.', 'keychain-denied'],
    ['The user name or passphrase you entered is not correct.', 'keychain-denied'],
    ['User interaction is not allowed.', 'keychain-locked'],
    ['The specified keychain could not be found. (-25294)', 'keychain-unavailable'],
    // Windows Credential Manager
    ['A specified logon session does not exist. It may already have been terminated.', 'keychain-unavailable'],
    // Anything else is treated as "not reachable", never as success.
    ['something nobody has seen before', 'keychain-unavailable']
  ])('%s → %s', (text, code) => {
    expect(classifyKeychainError(text)).toBe(code)
  })
})
