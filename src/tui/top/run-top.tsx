import {render} from 'ink'
import type {LiveSource} from '../../observe/live-source.js'
import type {AdminClient} from '../../observe/runtime-api.js'
import {systemClock} from '../../observe/source.js'
import {TopApp} from './top-app.js'
import type {Subscribe} from './use-top-source.js'

/** Runs the interactive screen on the process's terminal until `q` or Ctrl-C. */
export async function runTopScreen(options: {nodes: string[]; source: LiveSource; admin: (node: string) => AdminClient | undefined; expectedVrids: number[]}): Promise<void> {
  const subscribe: Subscribe = (onEvent) => {
    options.source.subscribe(onEvent)
    return () => options.source.stop()
  }
  const app = render(
    <TopApp nodes={options.nodes} subscribe={subscribe} admin={options.admin} refresh={() => options.source.pollNow()} clock={systemClock} expectedVrids={options.expectedVrids} />,
    {exitOnCtrlC: true, patchConsole: false},
  )
  await app.waitUntilExit()
  await options.source.stop()
}
