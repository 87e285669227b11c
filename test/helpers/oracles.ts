import {execFileSync} from 'node:child_process'

/** In CI (LBCTL_REQUIRE_ORACLES=1) missing binaries or root fail the run instead of skipping tests. */
export const oraclesRequired = process.env.LBCTL_REQUIRE_ORACLES === '1'

export function hasBinary(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

/**
 * True when the binary is present. When it is absent: throws in CI, returns false elsewhere
 * so the caller can `describe.skipIf(!requireBinary('haproxy'))`.
 */
export function requireBinary(name: string): boolean {
  const present = hasBinary(name)
  if (!present && oraclesRequired) throw new Error(`${name} is required in CI (LBCTL_REQUIRE_ORACLES=1) but is not installed`)
  return present
}

export function requireRoot(): boolean {
  const root = process.getuid?.() === 0
  if (!root && oraclesRequired) throw new Error('root is required in CI (LBCTL_REQUIRE_ORACLES=1)')
  return root
}
