// Creates and removes the network interface the keepalived corpus names (lbtest0), as root.
import {execFileSync} from 'node:child_process'
import {TEST_INTERFACE} from './corpus.js'

export function interfaceExists(name = TEST_INTERFACE): boolean {
  try {
    execFileSync('ip', ['link', 'show', name], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

/**
 * Makes sure lbtest0 exists. Returns true when this call created it (the caller then removes it).
 * A dummy interface when the kernel has the module, else a bridge: keepalived -t only checks that it exists.
 */
export function createTestInterface(name = TEST_INTERFACE): boolean {
  if (interfaceExists(name) || process.getuid?.() !== 0) return false
  for (const type of ['dummy', 'bridge']) {
    try {
      execFileSync('ip', ['link', 'add', name, 'type', type], {stdio: 'ignore'})
      return true
    } catch {
      // try the next kind
    }
  }
  return false
}

export function removeTestInterface(name = TEST_INTERFACE): void {
  try {
    execFileSync('ip', ['link', 'del', name], {stdio: 'ignore'})
  } catch {
    // already gone
  }
}
