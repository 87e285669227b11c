/**
 * `lbctl run -f haproxy.cfg`: load, refuse on errors, start, reload on SIGHUP, drain on SIGTERM/SIGINT.
 * Lines go through `log`; signals come from `signals` (the process by default) so tests can drive it.
 */
import type {EventEmitter} from 'node:events'
import {UserError} from '../../errors.js'
import {ProxyEngine} from './engine.js'
import {describeFrontends, formatEngineEvent} from './format.js'
import {loadHaproxyConfig, type LoadResult} from './load.js'
import {loadFailure} from './load-failure.js'

export interface ProxyRunResult {
  type: 'stopped'
  engine: 'proxy'
  signal: string
  reloads: number
}

export interface ProxyRunOptions {
  files: string[]
  log: (line: string) => void
  signals?: Pick<EventEmitter, 'on' | 'off'>
  /** How long a stop waits for connections to finish. */
  graceMs?: number
}

export async function runHaproxy(options: ProxyRunOptions): Promise<ProxyRunResult> {
  const {files, log} = options
  const signals = options.signals ?? process
  const loaded = loadHaproxyConfig(files)
  if (!loaded.ok) throw loadFailure(loaded, files, log)
  const engine = new ProxyEngine(loaded.plan, {onEvent: (event) => log(formatEngineEvent(event))})
  try {
    await engine.start()
  } catch (error) {
    await engine.stop(0)
    throw new UserError('run/start-failed', `cannot start the proxy: ${(error as Error).message}`, {hint: 'free the address or change the bind line'})
  }
  const describe = () => describeFrontends(engine.frontends)
  log(`lbctl run: proxy started, pid ${process.pid}: ${describe()}`)

  let reloads = 0
  let reloading: Promise<void> = Promise.resolve()
  const onHup = () => {
    reloading = reloading.then(async () => {
      let next: LoadResult
      try {
        next = loadHaproxyConfig(files)
      } catch (error) {
        log(`lbctl run: reload failed, keeping the running configuration: ${(error as Error).message}`)
        return
      }
      if (!next.ok) {
        log(`lbctl run: reload refused (${loadFailure(next, files, log).message}), keeping the running configuration`)
        return
      }
      try {
        await engine.reload(next.plan)
        reloads++
        log(`lbctl run: reloaded: ${describe()}`)
      } catch (error) {
        log(`lbctl run: reload failed, keeping the running configuration: ${(error as Error).message}`)
      }
    })
  }
  let removeHandlers: () => void = () => {}
  const signal = await new Promise<string>((resolve) => {
    const onStop = (name: string) => resolve(name)
    const onTerm = () => onStop('SIGTERM')
    const onInt = () => onStop('SIGINT')
    // HAProxy's soft stop: stop listening, let connections finish, exit.
    const onUsr1 = () => onStop('SIGUSR1')
    signals.on('SIGHUP', onHup)
    signals.on('SIGTERM', onTerm)
    signals.on('SIGINT', onInt)
    signals.on('SIGUSR1', onUsr1)
    removeHandlers = () => {
      signals.off('SIGHUP', onHup)
      signals.off('SIGTERM', onTerm)
      signals.off('SIGINT', onInt)
      signals.off('SIGUSR1', onUsr1)
    }
  })
  removeHandlers()
  await reloading
  log(`lbctl run: ${signal}: no longer accepting, waiting for connections to finish`)
  await engine.stop(options.graceMs ?? 30_000)
  log('lbctl run: stopped')
  return {type: 'stopped', engine: 'proxy', signal, reloads}
}
