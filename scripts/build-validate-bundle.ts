/**
 * Build step after `tsc`: bundles dist/config/validate-cli.js with everything it imports into one CommonJS file,
 * then validates a generated config once through bin/run.js to record V8's code cache of the functions that run
 * compiled. src/config/validate-launcher.ts loads both; why is explained there.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {build} from 'esbuild'
import {generateLargeHaproxyConfig} from '../bench/generate.js'

const root = join(import.meta.dirname, '..')
// The built launcher, whose paths are dist's (the source's would be src's).
const launcher = join(root, 'dist', 'config', 'validate-launcher.js')
const {BUNDLE_FILE, CODE_CACHE_FILE, WRITE_CODE_CACHE_ENV}: typeof import('../src/config/validate-launcher.js') = await import(pathToFileURL(launcher).href)

await build({
  entryPoints: [join(root, 'dist', 'config', 'validate-cli.js')],
  outfile: BUNDLE_FILE,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // CommonJS has no import.meta: give the bundle its own URL, as the modules had theirs.
  define: {'import.meta.url': '__bundleUrl'},
  banner: {js: 'const __bundleUrl = require("node:url").pathToFileURL(__filename).href;'},
  logLevel: 'warning',
})

// Training input: the shapes the bench validates (a frontend routing by Host, backends of checked servers).
const dir = mkdtempSync(join(tmpdir(), 'lbctl-build-'))
try {
  const config = join(dir, 'haproxy.cfg')
  writeFileSync(config, generateLargeHaproxyConfig(200, 10))
  const run = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), 'validate', '-q', config], {
    // No NODE_OPTIONS: V8 accepts a code cache only under the flags it was made with, so make it under none.
    env: {...process.env, NODE_OPTIONS: undefined, [WRITE_CODE_CACHE_ENV]: '1'},
    encoding: 'utf8',
  })
  if (run.status !== 0) throw new Error(`training run failed (exit ${run.status}): ${run.stderr || run.stdout}`)
} finally {
  rmSync(dir, {recursive: true, force: true})
}
console.log(`validate bundle: ${BUNDLE_FILE} (code cache ${CODE_CACHE_FILE})`)
