/** The human report: figures, the theory beside them, and a small ASCII timeline chart. */
import type {FailoverTestResult, RunReport} from './report.js'
import type {Spread} from './figures.js'

const WIDTH = 60

const ms = (value: number | null) => (value === null ? 'never' : `${Math.round(value)} ms`)

/**
 * One column per slice of the run. Requests: `#` all ok, `x` all failed, `%` both, blank none.
 * Roles: `M` MASTER, `b` BACKUP, `f` FAULT, `.` unreachable, `?` other/unknown. Events: `F` fault, `R` restart of
 * the old master, `^` role change.
 */
export function renderChart(run: RunReport, width = WIDTH): string[] {
  const total = Math.max(1, run.durationMs)
  const column = (atMs: number) => Math.min(width - 1, Math.max(0, Math.floor((atMs / total) * width)))
  const ok = new Array<number>(width).fill(0)
  const failed = new Array<number>(width).fill(0)
  for (const r of run.timeline.requests) (r.outcome.kind === 'ok' ? ok : failed)[column(r.startMs)]!++
  const requests = ok.map((n, i) => (n > 0 && failed[i]! > 0 ? '%' : n > 0 ? '#' : failed[i]! > 0 ? 'x' : ' ')).join('')

  const nodes = [...new Set(run.timeline.roles.map((r) => r.node))]
  const roleRows = nodes.map((node) => {
    const changes = run.timeline.roles.filter((r) => r.node === node)
    let row = ''
    for (let i = 0; i < width; i++) {
      const at = ((i + 1) / width) * total
      const state = changes.filter((c) => c.atMs < at).at(-1)?.to
      row += state === undefined ? ' ' : state === 'MASTER' ? 'M' : state === 'BACKUP' ? 'b' : state === 'FAULT' ? 'f' : state === 'unreachable' ? '.' : '?'
    }
    return `${node.padEnd(10)}|${row}|`
  })

  const events = new Array<string>(width).fill(' ')
  for (const r of run.timeline.roles) if (r.from !== null) events[column(r.atMs)] = '^'
  events[column(run.fault.atMs)] = 'F'
  if (run.recovery) events[column(run.recovery.restartedAt)] = 'R'

  const seconds = Math.floor(total / 1000)
  const axis = new Array<string>(width + 2).fill(' ')
  for (let s = 0; s <= seconds; s++) {
    const label = `${s}s`
    const at = column(s * 1000) + 1
    if (at + label.length <= axis.length && axis.slice(at, at + label.length).every((c) => c === ' ') && (at === 1 || axis[at - 1] === ' ')) {
      for (let k = 0; k < label.length; k++) axis[at + k] = label[k]!
    }
  }
  return [
    `${''.padEnd(10)}${axis.join('').trimEnd()}`,
    `${'requests'.padEnd(10)}|${requests}|`,
    ...roleRows,
    `${'events'.padEnd(10)}|${events.join('')}|`,
    `${''.padEnd(10)} # ok  x failed  % both   M master  b backup  f fault state  . unreachable   F fault${run.recovery ? '  R restart' : ''}  ^ role change`,
  ]
}

export function renderRun(run: RunReport, index?: number): string {
  const head = index === undefined ? 'failover-test' : `run ${index + 1}`
  const lines = [
    `${head}: ${run.fault.kind} of node ${run.fault.node} (${run.fault.action ?? `pid ${run.fault.pid}, ${run.fault.signal ?? 'no signal'}`}) at ${(run.fault.atMs / 1000).toFixed(2)} s: ${run.pass ? 'PASS' : 'FAIL'}`,
    `  failover time       ${ms(run.failoverMs)}   (fault -> ${run.failoverBasis === 'via-new-master' ? 'first answer via the new master' : 'first success after the failures'})`,
    `  theory              ${run.theory.expectedMs} ms   ${run.theory.formula}`,
    ...(run.lastAdvertBeforeFaultMs === null || run.expectedAfterFaultMs === run.theory.expectedMs
      ? []
      : [`                      ${run.expectedAfterFaultMs} ms after the fault (the last advert was ${-run.lastAdvertBeforeFaultMs} ms before it)`]),
    ...(run.deviationMs === null ? [] : [`  measured - theory   ${run.deviationMs >= 0 ? '+' : ''}${Math.round(run.deviationMs)} ms${run.fault.kind === 'block-vrrp' ? '   (when the second MASTER appeared)' : ''}`]),
    `  client-visible gap  ${ms(run.gapMs)}   (max ${run.maxGapMs} ms${run.gap ? `; ${run.gap.failed} failed in a row${run.gap.recovered ? '' : ', never recovered'}` : ''})`,
    `  failed/total        ${run.requests.failed}/${run.requests.total}`,
    `  new master          ${run.newMaster ? `${run.newMaster.node}, seen MASTER ${run.newMaster.afterMs} ms after the fault` : 'none seen'}`,

    `  dual-master time    ${ms(run.dualMasterMs)}${run.wire ? ` (polls); ${ms(run.wire.dualMasterMs)} on the wire` : ''}`,
    ...wireLines(run),
    ...vipLines(run),
    ...recoveryLines(run),
    '',
    ...renderChart(run).map((line) => `  ${line}`),
  ]
  return lines.join('\n')
}

const signed = (value: number) => `${value >= 0 ? '+' : ''}${value} ms`

function wireLines(run: RunReport): string[] {
  const w = run.wire
  if (!w) return []
  const node = (address: string | null) => w.senders.find((s) => s.address === address)?.node ?? address ?? '?'
  const parts = [
    w.lastAdvertOfOldMasterMs === null ? `no advert of ${run.fault.node} seen` : `${run.fault.node}'s last advert ${signed(w.lastAdvertOfOldMasterMs)}`,
    w.newMasterFirstAdvertMs === null ? 'no new master advertised' : `${node(w.newMasterAddress)}'s first advert ${signed(w.newMasterFirstAdvertMs)}`,
    w.firstGarpMs === null ? 'no GARP or NA' : `first ${w.firstGarpOp === 'na' ? 'NA' : 'GARP'} ${signed(w.firstGarpMs)}`,
  ]
  return [`  on the wire         ${parts.join(', ')} (${w.adverts} adverts, ${w.garps} GARPs/NAs)`]
}

function vipLines(run: RunReport): string[] {
  if (!run.vip) return []
  const changes = run.vip.filter((c) => c.atMs >= run.fault.atMs).slice(0, 4)
  const text = changes.map((c) => `${c.change === 'added' ? 'added on' : 'removed from'} ${c.node} ${signed(c.atMs - run.fault.atMs)}`).join(', ')
  return [`  VIP                 ${text || 'no change after the fault'}`]
}

function recoveryLines(run: RunReport): string[] {
  const r = run.recovery
  if (!r) return [`  recovery            not done: ${run.recoveryReason ?? 'unknown'}`]
  const back =
    r.masterAgainAt === null
      ? 'not MASTER again before the run ended'
      : `MASTER again at ${seconds(r.masterAgainAt)}, ${r.masterAgainAfterMs} ms after it${r.soleMasterAt !== null && r.soleMasterAt !== r.masterAgainAt ? `; the only MASTER from ${seconds(r.soleMasterAt)}` : ''}`
  const gap = r.failback ? `; ${r.failback.failed} failed in a row${r.failback.recovered ? '' : ', never recovered'}` : ''
  return [
    `  recovery            ${r.action ?? `${r.node} restarted`} at ${seconds(r.restartedAt)} (pid ${r.pid}); ${back}`,
    `  failback gap        ${ms(r.failbackGapMs)}   (${r.requests.failed}/${r.requests.total} failed from the recovery on${gap})`,
  ]
}

const seconds = (atMs: number) => `${(atMs / 1000).toFixed(2)} s`

const spreadText = (s: Spread | null) => (s === null ? 'n/a' : `${Math.round(s.min)} / ${Math.round(s.median)} / ${Math.round(s.max)}`)

export function renderResult(result: FailoverTestResult): string {
  const parts = result.runs.map((run, i) => renderRun(run, result.runs.length > 1 ? i : undefined))
  if (result.runs.length > 1) {
    const s = result.summary
    parts.push(
      [
        `summary of ${s.runs} runs (min / median / max): ${s.passed}/${s.runs} passed`,
        `  failover time ms    ${spreadText(s.failoverMs)}`,
        `  gap ms              ${spreadText(s.gapMs)}`,
        `  failed requests     ${spreadText(s.failedRequests)}`,
        `  dual-master ms      ${spreadText(s.dualMasterMs)}`,
        ...(s.failbackGapMs === null ? [] : [`  master again ms     ${spreadText(s.masterAgainAfterMs)}   (restart -> MASTER)`, `  failback gap ms     ${spreadText(s.failbackGapMs)}`]),
      ].join('\n'),
    )
  }
  parts.push(...result.notes.map((note) => `note: ${note}`))
  parts.push(result.pass ? `PASS: every gap within ${result.maxGapMs} ms` : `FAIL: the client-visible gap exceeded ${result.maxGapMs} ms (or the VIP never answered again)`)
  return parts.join('\n\n')
}
