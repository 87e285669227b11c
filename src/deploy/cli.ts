/**
 * What `deploy`, `deploy status` and `rollback` share on the command line: host selection, ssh settings,
 * the confirmation prompt and the progress display. Commands stay thin; the library never sees flags.
 */
import {existsSync} from 'node:fs'
import {createInterface} from 'node:readline/promises'
import {Flags} from '@oclif/core'
import {ExitCode, UserError} from '../errors.js'
import {sshDeployHost} from './host.js'
import {readInventory} from './inventory.js'
import type {SessionOptions} from './deploy.js'
import type {Connect} from './plan.js'
import {renderPlan, renderSummary} from './render.js'
import {lineProgress, taskListProgress, type TaskListProgress} from './progress.js'
import type {DeployResult, Progress} from './result.js'
import {openSsh, type SshOptions} from './ssh.js'
import {type DeployTarget, resolveTargets} from './targets.js'

export const hostFlags = {
  inventory: Flags.string({description: 'the inventory written by `lbctl init` (default: ./lbctl.yaml when it exists)'}),
  hosts: Flags.string({description: 'comma-separated hosts: inventory node names or ssh destinations (user@host, host:port, ~/.ssh/config aliases)'}),
  'haproxy-config': Flags.string({description: 'without an inventory: the haproxy.cfg every host gets (/etc/haproxy/haproxy.cfg, systemctl reload haproxy)'}),
  'keepalived-config': Flags.string({description: 'without an inventory: the keepalived.conf every host gets'}),
}

export const sshFlags = {
  'ssh-config': Flags.string({description: 'ssh config file (ssh -F) instead of ~/.ssh/config'}),
  'ssh-key': Flags.string({description: 'private key (ssh -i)'}),
  'known-hosts': Flags.string({description: 'known_hosts file to check host keys against (unknown keys are always refused)'}),
  'ssh-option': Flags.string({description: 'extra ssh -o option, e.g. ProxyJump=bastion (repeatable)', multiple: true}),
}

export const rolloutFlags = {
  'dry-run': Flags.boolean({description: 'validate, read the hosts and show the plan; change nothing'}),
  yes: Flags.boolean({char: 'y', description: 'do not ask for confirmation (needed when not on a terminal)'}),
  parallel: Flags.integer({description: 'hosts changed at the same time (BACKUPs first, MASTERs last; stops at the first failure)', default: 1, min: 1}),
  'verify-timeout': Flags.integer({description: 'seconds verify waits for haproxy to answer with the new config and the VIP to settle', default: 10, min: 1}),
}

export interface HostSelection {
  targets: DeployTarget[]
  inventoryPath?: string
  /** Every inventory node is in the deploy. */
  complete: boolean
}

export function selectHosts(flags: {inventory?: string; hosts?: string; 'haproxy-config'?: string; 'keepalived-config'?: string}): HostSelection {
  const hosts = flags.hosts?.split(',').map((h) => h.trim()).filter(Boolean)
  const inventoryPath = flags.inventory ?? (existsSync('lbctl.yaml') && !flags['haproxy-config'] && !flags['keepalived-config'] ? 'lbctl.yaml' : undefined)
  if (flags.inventory && !existsSync(flags.inventory)) {
    throw new UserError('deploy/no-inventory', `${flags.inventory}: no such file`, {hint: 'run `lbctl init DIR` to write one, or pass --hosts with --haproxy-config'})
  }
  const inventory = inventoryPath ? {path: inventoryPath, inventory: readInventory(inventoryPath)} : undefined
  const targets = resolveTargets({inventory, hosts, haproxyConfig: flags['haproxy-config'], keepalivedConfig: flags['keepalived-config']})
  return {targets, inventoryPath, complete: inventory !== undefined && targets.length === inventory.inventory.nodes.length}
}

export function sshConnect(flags: {'ssh-config'?: string; 'ssh-key'?: string; 'known-hosts'?: string; 'ssh-option'?: string[]}): Connect {
  const options: SshOptions = {
    ...(flags['ssh-config'] ? {configFile: flags['ssh-config']} : {}),
    ...(flags['ssh-key'] ? {identityFile: flags['ssh-key']} : {}),
    ...(flags['known-hosts'] ? {knownHostsFile: flags['known-hosts']} : {}),
    ...(flags['ssh-option'] ? {options: flags['ssh-option']} : {}),
  }
  return async (target) => sshDeployHost(await openSsh(target.dest, options))
}

/** --yes, or a y/N question on a terminal; never a prompt when stdin or stderr is not a terminal. */
export function confirmer(yes: boolean, question: string): () => Promise<boolean> {
  return async () => {
    if (yes) return true
    if (!process.stdin.isTTY || !process.stderr.isTTY) {
      throw new UserError('deploy/needs-yes', 'not on a terminal, so there is nobody to confirm: nothing was changed', {
        hint: 'review the plan with --dry-run, then run again with --yes',
      })
    }
    const rl = createInterface({input: process.stdin, output: process.stderr})
    // Ctrl-C or Ctrl-D at the prompt is a "no", not a hang.
    const interrupted = new Promise<string>((resolve) => {
      rl.once('SIGINT', () => resolve(''))
      rl.once('close', () => resolve(''))
    })
    try {
      return /^y(es)?$/i.test((await Promise.race([rl.question(`${question} [y/N] `), interrupted])).trim())
    } finally {
      rl.close()
    }
  }
}

/** A task list on a terminal, plain lines otherwise; `stop` ends the spinner. */
export function stderrProgress(): Progress & {stop(): void} {
  if (process.stderr.isTTY && process.env.TERM !== 'dumb') return taskListProgress(process.stderr) as TaskListProgress
  return {...lineProgress((text) => process.stderr.write(text)), stop: () => undefined}
}

/**
 * The first Ctrl-C during a rollout lets the hosts under way finish (a host is never left between its new file
 * and its reload) and starts no new one; a second Ctrl-C exits at once. `release` removes the handler.
 */
export function stopOnInterrupt(): {requested: () => boolean; release: () => void} {
  let requested = false
  const onSigint = () => {
    if (requested) {
      // Without a handler the signal ends the process as usual.
      process.off('SIGINT', onSigint)
      process.kill(process.pid, 'SIGINT')
      return
    }
    requested = true
    process.stderr.write('\nlbctl: stopping after the hosts under way (Ctrl-C again to exit now)\n')
  }
  process.on('SIGINT', onSigint)
  return {requested: () => requested, release: () => void process.off('SIGINT', onSigint)}
}

/** What a rollout command prints through: oclif's log, and whether stdout is JSON and may be coloured. */
export interface RolloutCommandIo {
  log(text: string): void
  json: boolean
  color: boolean
}

type RolloutCommandFlags = {inventory?: string; hosts?: string; 'haproxy-config'?: string; 'keepalived-config'?: string} & {
  'ssh-config'?: string
  'ssh-key'?: string
  'known-hosts'?: string
  'ssh-option'?: string[]
} & {'dry-run': boolean; yes: boolean; parallel: number; 'verify-timeout': number}

/**
 * The part deploy and rollback share around their library call: host selection, progress on stderr, Ctrl-C,
 * the plan and the summary on stdout, exit code 1 on any failure. `verb` asks the question (`Deploy to 2 hosts?`).
 */
export async function runRolloutCommand(
  io: RolloutCommandIo,
  flags: RolloutCommandFlags,
  verb: string,
  call: (session: SessionOptions, selection: HostSelection) => Promise<DeployResult>,
): Promise<DeployResult> {
  const selection = selectHosts(flags)
  const progress = stderrProgress()
  const interrupt = stopOnInterrupt()
  const count = selection.targets.length
  let result: DeployResult
  try {
    result = await call(
      {
        targets: selection.targets,
        clusterComplete: selection.complete,
        connect: sshConnect(flags),
        dryRun: flags['dry-run'],
        showPlan: (plans) => {
          if (!io.json) io.log(renderPlan(plans, io.color))
        },
        confirm: confirmer(flags.yes, `${verb} ${count} host${count === 1 ? '' : 's'}?`),
        progress,
        parallel: flags.parallel,
        verifyTimeoutMs: flags['verify-timeout'] * 1000,
        stopRequested: interrupt.requested,
      },
      selection,
    )
  } finally {
    interrupt.release()
    progress.stop()
  }
  if (!io.json) io.log(`\n${renderSummary(result, new Map(selection.targets.map((t) => [t.name, t.role])), flags['dry-run'])}`)
  if (!result.ok) process.exitCode = ExitCode.checkFailed
  return result
}
