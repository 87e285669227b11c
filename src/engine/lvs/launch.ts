/** Starts the virtual servers of a keepalived.conf for `lbctl run` (alone, or next to VRRP and the proxy). */
import type {KeepalivedModel} from '../../config/keepalived/model.js'
import {UserError} from '../../errors.js'
import type {HeldVips} from '../node.js'
import {LvsRunner, planLvs} from './runner.js'
import type {LvsTransition} from './service.js'

export interface LvsLaunchOptions {
  model: KeepalivedModel
  local: boolean
  log: (line: string) => void
  vips?: ReadonlySet<string>
  held?: HeldVips
  nonlocalBind?: boolean
  onTransition?: (transition: LvsTransition) => void
}

/** The runner for the file's virtual servers (undefined when it has none); a UserError naming the lines it cannot serve. */
export function buildLvs(options: LvsLaunchOptions): LvsRunner | undefined {
  if (options.model.virtualServers.length === 0) return undefined
  const build = planLvs(options.model, options.local)
  if (!build.ok) {
    throw new UserError('run/cannot-serve-virtual-server', build.problems.join('; '), {
      hint: options.local ? 'rewrite the virtual_server addresses to 127.0.0.x (loopback) to try them locally, or run as root' : 'serve these with keepalived and the kernel IPVS, or change them to TCP address:port virtual servers',
    })
  }
  for (const notice of build.notices) options.log(`note: ${notice}`)
  return new LvsRunner(build.services, {
    log: options.log,
    local: options.local,
    ...(options.vips ? {vips: options.vips} : {}),
    ...(options.held ? {held: options.held} : {}),
    ...(options.nonlocalBind ? {nonlocalBind: options.nonlocalBind} : {}),
    ...(options.onTransition ? {onTransition: options.onTransition} : {}),
  })
}

/** Starts it, turning a listen failure into a UserError. */
export async function startLvs(runner: LvsRunner): Promise<void> {
  try {
    await runner.start()
  } catch (error) {
    throw new UserError('run/start-failed', `cannot serve the virtual servers: ${(error as Error).message}`, {hint: 'free the address or port, or change the virtual_server line'})
  }
}
