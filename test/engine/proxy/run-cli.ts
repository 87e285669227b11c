/** Runs `lbctl run ARGS` from the TypeScript sources, without the oclif manifest (tests work before a build). */
import {handle} from '@oclif/core'
import Run from '../../../src/commands/run.js'

try {
  await Run.run(process.argv.slice(2), new URL('../../../package.json', import.meta.url).href)
} catch (error) {
  await handle(error as Error)
}
