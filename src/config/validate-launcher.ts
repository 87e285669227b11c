/**
 * Starts `lbctl validate`'s fast path (validate-cli.ts) for bin/run.js with as little start-up as Node 20 allows.
 * `npm run build` bundles validate-cli.js and everything it imports into one CommonJS file
 * (scripts/build-validate-bundle.ts) and records V8's code cache of a training run beside it. Loading that one
 * file with its cache skips resolving and loading ~45 ES modules and compiling their functions: about 35 ms of
 * a cold run (Node 20 has no compile cache for ES modules; `module.enableCompileCache` came in Node 22).
 * Without a fresh bundle (a plain `tsc`, a bundle older than the modules) the modules are imported as usual;
 * a cache V8 rejects (another Node version or other V8 flags) just means compiling as usual.
 */
import {existsSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {setFlagsFromString} from 'node:v8'
import {Script} from 'node:vm'

type FastPath = typeof import('./validate-cli.js')

export const BUNDLE_FILE = fileURLToPath(new URL('./validate-bundle.cjs', import.meta.url))
export const CODE_CACHE_FILE = `${BUNDLE_FILE}.cache`
/** Set by the build's training run: write the code cache after validating. */
export const WRITE_CODE_CACHE_ENV = 'LBCTL_WRITE_VALIDATE_CODE_CACHE'

/** Runs `lbctl validate ARGV` like runValidateFastPath: true when done, false when oclif must run it. */
export async function runValidateFast(argv: string[]): Promise<boolean> {
  // Keep the young generation at its first size (1 MiB semi-spaces) instead of doubling it up to 16 MiB: a big
  // parse keeps nearly all it allocates, so a larger nursery saves no copying, and every new page of it costs a
  // kernel page fault (measured on 20,000 servers: about 20 ms less wall time, 10 % less CPU). Set before any
  // compiling: a code cache is only accepted under the V8 flags it was made with. (GC threading flags cannot
  // be changed at run time: V8 aborts.)
  setFlagsFromString('--semi-space-growth-factor=1')
  const bundle = freshBundle()
  if (bundle === undefined) return (await import('./validate-cli.js')).runValidateFastPath(argv)
  const done = await bundle.fastPath.runValidateFastPath(argv)
  if (process.env[WRITE_CODE_CACHE_ENV] === '1') writeFileSync(CODE_CACHE_FILE, bundle.script.createCachedData())
  return done
}

function freshBundle(): {fastPath: FastPath; script: Script} | undefined {
  const modules = fileURLToPath(new URL('./validate-cli.js', import.meta.url))
  const bundleTime = statSync(BUNDLE_FILE, {throwIfNoEntry: false})?.mtimeMs
  if (bundleTime === undefined || bundleTime < statSync(modules).mtimeMs) return undefined
  const cachedData = existsSync(CODE_CACHE_FILE) ? readFileSync(CODE_CACHE_FILE) : undefined
  // The wrapper Node's CommonJS loader puts around a module, compiled by hand to pass the cache.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(BUNDLE_FILE, 'utf8')}\n})`
  const script = new Script(source, {filename: BUNDLE_FILE, ...(cachedData ? {cachedData} : {})})
  const module = {exports: {}}
  script.runInThisContext()(module.exports, createRequire(BUNDLE_FILE), module, BUNDLE_FILE, dirname(BUNDLE_FILE))
  return {fastPath: module.exports as FastPath, script}
}
