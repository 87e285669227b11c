import type {Diagnostic} from './diagnostics.js'
import type {KeepalivedConfigParse} from './keepalived/index.js'

/** Checks across the keepalived configs of the nodes of one cluster. Placeholder until the keepalived parser lands. */
export function checkPair(_nodes: KeepalivedConfigParse[]): Diagnostic[] {
  return []
}
