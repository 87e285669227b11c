// `lbctl init`: validated answers → rendered files → written, never overwriting without force.
import {randomInt} from 'node:crypto'
import type {VrrpRole} from './cluster.js'
import {type InitAnswers, type InitMode, resolveInitOptions, STATS_PORT} from './options.js'
import {buildScaffold, type ScaffoldFileKind} from './scaffold.js'
import {AUTH_PASS_LENGTH, randomSecret, STATS_PASSWORD_LENGTH} from './secrets.js'
import type {TemplateLoader} from './templates.js'
import {type ScaffoldFs, writeScaffold} from './write.js'

export {refuseExistingScaffold} from './write.js'

export {initDefaults, type InitAnswers, type InitOptions} from './options.js'

export interface InitRequest {
  /** Target directory, created when missing. */
  dir: string
  answers: InitAnswers
  /** Overwrite existing files. */
  force: boolean
}

/** What `lbctl init --json` prints. Holds no secret. */
export interface InitResult {
  dir: string
  files: {path: string; kind: ScaffoldFileKind; node?: string; overwritten: boolean}[]
  nodes: {name: string; ssh: string; role: VrrpRole; priority: number}[]
  vip: string
  interface: string
  mode: InitMode
  port: number
  vrid: number
  /** The vrrp_script weight every node carries. */
  trackWeight: number
  backends: string[]
  stats: {user: string; port: number; uri: string; passwordGenerated: boolean}
}

export interface InitOutcome {
  result: InitResult
  /** Set when the stats password was generated: the caller shows it once, outside the JSON result. */
  generatedPassword?: string
}

export interface InitDeps {
  /** Uniform integer in [0, max); crypto.randomInt by default. */
  randomInt?: (max: number) => number
  fs?: ScaffoldFs
  loadTemplate?: TemplateLoader
}

export function runInit(request: InitRequest, deps: InitDeps = {}): InitOutcome {
  const pick = deps.randomInt ?? randomInt
  let generatedPassword: string | undefined
  const options = resolveInitOptions(request.answers, () => (generatedPassword = randomSecret(STATS_PASSWORD_LENGTH, pick)))
  const scaffold = buildScaffold(options, {authPass: randomSecret(AUTH_PASS_LENGTH, pick), loadTemplate: deps.loadTemplate})
  const written = writeScaffold(request.dir, scaffold.files, {force: request.force, fs: deps.fs})
  const overwritten = new Set(written.overwritten)

  return {
    generatedPassword,
    result: {
      dir: request.dir,
      files: scaffold.files.map((file, i) => {
        const path = written.written[i]!
        return {path, kind: file.kind, ...(file.node === undefined ? {} : {node: file.node}), overwritten: overwritten.has(path)}
      }),
      nodes: scaffold.plan.nodes.map((n) => ({name: n.name, ssh: n.ssh, role: n.role, priority: n.priority})),
      vip: options.vip,
      interface: options.interface,
      mode: options.mode,
      port: options.port,
      vrid: options.vrid,
      trackWeight: scaffold.plan.weight,
      backends: options.backends.map((b) => b.address),
      stats: {user: options.statsUser, port: STATS_PORT, uri: '/stats', passwordGenerated: generatedPassword !== undefined},
    },
  }
}
