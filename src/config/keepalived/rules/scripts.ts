import type {ScriptCommand, VrrpScript} from '../model.js'
import type {RuleContext} from './context.js'

/** The first word of a command line: what keepalived looks up and checks. */
function program(command: string): string {
  return command.trim().split(/\s+/)[0] ?? ''
}

/**
 * vrrp_script checks and keepalived's script security: with scripts configured and no
 * `enable_script_security`, `keepalived -t` exits 6 with "SECURITY VIOLATION".
 */
export function checkScripts(ctx: RuleContext): void {
  const {model} = ctx
  const g = model.globalDefs
  let running = 0
  const defaultUser = g.scriptUser?.user ?? 'keepalived_script'
  const defaultUserMissing = g.enableScriptSecurity && g.scriptUser === undefined && ctx.env.userExists(defaultUser) === false
  for (const script of model.vrrpScripts) {
    if (script.script === undefined || script.script.trim() === '') {
      ctx.report('keepalived/script-missing', 'error', script.at, `No script set for vrrp_script ${script.name} - removing`, ['add `script "/path/to/check"` to the block'])
      continue
    }
    if (!commandPresent(ctx, script, script.script)) continue
    if (defaultUserMissing && script.user === undefined) {
      ctx.reportEnv('keepalived/script-user-missing', script.lines.script ?? script.at, `Unable to set default user ${defaultUser} for script`, [
        `add \`script_user root\` (or an existing user) to global_defs, or create the user ${defaultUser}`,
      ])
      continue
    }
    if (script.user && ctx.env.userExists(script.user.user) === false) {
      ctx.reportEnv('keepalived/script-user-missing', script.lines.user ?? script.at, `Unable to set uid/gid for script '${script.script}'`, [`create the user ${script.user.user} or pick an existing one`])
      continue
    }
    running++
  }
  const commands: ScriptCommand[] = [
    ...model.vrrpInstances.flatMap((vi) => Object.values(vi.notify)),
    ...model.syncGroups.flatMap((g) => Object.values(g.notify)),
    ...model.virtualServers.flatMap((vs) => vs.realServers.flatMap((rs) => [rs.notifyUp, rs.notifyDown].filter((c): c is ScriptCommand => c !== undefined))),
  ]
  for (const c of commands) if (commandPresent(ctx, undefined, c.command, c)) running++
  const misc = model.virtualServers.flatMap((vs) => vs.realServers.flatMap((rs) => rs.checkers.filter((c) => c.type === 'MISC_CHECK' && c.miscPath)))
  if (running > 0 && !g.enableScriptSecurity) {
    const at = g.at ?? model.vrrpScripts[0]?.at ?? commands[0]?.at ?? model.vrrpInstances[0]?.at
    if (at)
      ctx.report('keepalived/script-security', 'warning', at, 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.', [
        'add `enable_script_security` and `script_user root` (or a dedicated user) to global_defs, and call scripts by absolute path',
      ])
  }
  if (misc.length > 0 && !g.enableScriptSecurity)
    ctx.report('keepalived/script-security', 'warning', misc[0]!.at, 'SECURITY VIOLATION - check scripts are being executed but script_security not enabled.', [
      'add `enable_script_security` and `script_user` to global_defs',
    ])
}

function commandPresent(ctx: RuleContext, script: VrrpScript | undefined, command: string, c?: ScriptCommand): boolean {
  const name = program(command)
  if (ctx.env.commandExists(name) !== false) return true
  const at = script?.lines.script ?? c?.at ?? script?.at
  if (at)
    ctx.reportEnv(
      'keepalived/script-not-found',
      at,
      script ? `Disabling track script ${script.name} since not found/accessible` : `script '${name}' not found/accessible - not running it`,
      [`install ${name} or write the full path of an executable file`],
    )
  return false
}
