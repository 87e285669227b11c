import type {Diagnostic} from './diagnostics.js'

/** What a real binary (`haproxy -c`, `keepalived -t`) said about a config. */
export interface OracleResult {
  tool: 'haproxy' | 'keepalived'
  /** False when the binary is not installed: nothing was checked. */
  available: boolean
  /** The binary accepted the config. */
  ok: boolean
  exitCode: number | null
  diagnostics: Diagnostic[]
  output: string
}

// Placeholder until the oracle lands.
export async function runHaproxyOracle(_paths: string[]): Promise<OracleResult> {
  return {tool: 'haproxy', available: false, ok: true, exitCode: null, diagnostics: [], output: ''}
}

export async function runKeepalivedOracle(_path: string): Promise<OracleResult> {
  return {tool: 'keepalived', available: false, ok: true, exitCode: null, diagnostics: [], output: ''}
}
