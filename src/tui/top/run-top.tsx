import {render} from 'ink'
import type {AdminClient} from '../../observe/runtime-api.js'
import {startPoller, systemClock, type Poller, type PollTarget} from '../../observe/source.js'
import {TopApp} from './top-app.js'
import type {Subscribe} from './use-top-source.js'

/** Runs the interactive screen on the process's terminal until `q` or Ctrl-C. */
export async function runTopScreen(options: {targets: PollTarget[]; admin: (node: string) => AdminClient | undefined; intervalMs: number}): Promise<void> {
  let poller: Poller | undefined
  const subscribe: Subscribe = (onEvent) => {
    poller = startPoller({targets: options.targets, intervalMs: options.intervalMs, onEvent})
    const running = poller
    return () => running.stop()
  }
  const app = render(
    <TopApp nodes={options.targets.map((t) => t.node)} subscribe={subscribe} admin={options.admin} refresh={() => void poller?.pollNow()} clock={systemClock} />,
    {exitOnCtrlC: true, patchConsole: false},
  )
  await app.waitUntilExit()
  await poller?.stop()
}
