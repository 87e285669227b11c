import type {Diagnostic} from '../../diagnostics.js'
import type {KeepalivedEnvironment} from '../env.js'
import type {KeepalivedModel} from '../model.js'
import {createRuleContext} from './context.js'
import {checkSyncGroups, checkVirtualServers} from './lvs.js'
import {checkRoutesAndRules} from './routes.js'
import {checkScripts} from './scripts.js'
import {checkTrackFiles} from './track-files.js'
import {checkVrrpInstances} from './vrrp.js'

export function runRules(model: KeepalivedModel, env: KeepalivedEnvironment, strictEnv: boolean): Diagnostic[] {
  const out: Diagnostic[] = []
  const ctx = createRuleContext(model, env, strictEnv, out)
  checkVrrpInstances(ctx)
  checkSyncGroups(ctx)
  checkScripts(ctx)
  checkVirtualServers(ctx)
  checkRoutesAndRules(ctx)
  checkTrackFiles(ctx)
  return out
}
