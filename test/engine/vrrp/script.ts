/**
 * Interpreter for the golden VRRP transcripts in ./transcripts/*.txt.
 *
 * A transcript drives one instance of the pure machine with a fake clock:
 *
 *   # comment
 *   config vrid=51 prio=100 advert=1s version=2 addr=198.18.0.1 vip=198.18.0.100 [sync_group=VG_1]
 *   peer b=198.18.0.2              names usable as from=b
 *   start | stop
 *   tick 3609ms                    advance the clock, firing due timers in time order
 *   recv advert prio=120 from=b    [advert=1s vrid= version= ttl= auth= vips= to=]
 *   fault NAME | clear NAME        tracked object down / up again
 *   weight -30                     total weight of the tracked objects now applying
 *   sync MASTER group=VG_1         the instance's vrrp_sync_group goes MASTER | BACKUP | FAULT
 *   expect state=BACKUP arm master_down at=3609ms; notify BACKUP
 *
 * `recv advert` builds the real bytes (packet.ts encodeAdvert) from the instance's own VIPs and
 * auth unless told otherwise, validates them (checkAdvert) and gives the result to the machine;
 * a rejected packet shows up as `drop <reason>`.
 *
 * `expect` lists everything that happened since the previous `expect`: the role now, then the
 * actions in order, separated by `; ` (log actions are left out). Lines starting with whitespace
 * continue the previous `expect` (joined with `; `). Timers due at the same instant fire in the
 * order master_down, advert, garp. The transcript passes when re-rendering it with the actual
 * results gives back the same text; `renderTranscript` returns both texts for a diff.
 */
import {checkAdvert, encodeAdvert, VRRP_TTL, defaultDestination, type VrrpAuth} from '../../../src/engine/vrrp/packet.js'
import {initialState, instanceSettings, step, type TimerName, type VrrpAction, type VrrpInput, type VrrpInstanceSettings, type VrrpState} from '../../../src/engine/vrrp/machine.js'
import {parseAdvertInt} from '../../../src/engine/vrrp/timing.js'

export interface TranscriptResult {
  expected: string
  actual: string
}

interface Line {
  number: number
  text: string
}

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text)
  if (!match) throw new Error(`bad duration ${text} (want e.g. 3609ms or 1.5s)`)
  const value = Number(match[1])
  return Math.round(match[2] === 's' ? value * 1000 : value)
}

function parseArgs(words: string[]): Map<string, string> {
  const args = new Map<string, string>()
  for (const word of words) {
    const equals = word.indexOf('=')
    if (equals < 0) args.set(word, 'true')
    else args.set(word.slice(0, equals), word.slice(equals + 1))
  }
  return args
}

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (value === 'true' || value === 'yes') return true
  if (value === 'false' || value === 'no') return false
  throw new Error(`bad boolean ${value}`)
}

function advertCs(text: string, version: 2 | 3): number {
  // `advert=1s`, `advert=100ms` or keepalived's own `advert=0.1`.
  const seconds = /(ms|s)$/.test(text) ? (parseDuration(text) / 1000).toString() : text
  const parsed = parseAdvertInt(seconds, version)
  if (!parsed.ok) throw new Error(parsed.message)
  return parsed.centiseconds
}

function settingsFromConfig(args: Map<string, string>): VrrpInstanceSettings {
  const version = Number(args.get('version') ?? 2)
  if (version !== 2 && version !== 3) throw new Error(`bad version ${version}`)
  const primaryAddress = args.get('addr')
  if (!primaryAddress) throw new Error('config needs addr=')
  const state = args.get('state')
  if (state !== undefined && state !== 'MASTER' && state !== 'BACKUP') throw new Error(`bad state ${state}`)
  const known = new Set([
    'vrid', 'prio', 'advert', 'version', 'addr', 'vip', 'state', 'preempt', 'nopreempt', 'preempt_delay', 'auth',
    'garp_delay', 'garp_repeat', 'garp_refresh', 'garp_refresh_repeat', 'lower_prio_no_advert', 'higher_prio_send_advert', 'name', 'sync_group',
  ])
  for (const key of args.keys()) if (!known.has(key)) throw new Error(`unknown config key ${key}`)
  return instanceSettings({
    name: args.get('name') ?? 'VI_1',
    vrid: Number(args.get('vrid') ?? 51),
    priority: Number(args.get('prio') ?? 100),
    version,
    advertIntervalCs: advertCs(args.get('advert') ?? '1s', version),
    primaryAddress,
    vips: (args.get('vip') ?? '').split(',').filter(Boolean),
    initialState: state,
    preempt: bool(args.get('preempt'), true) && !bool(args.get('nopreempt'), false),
    preemptDelayMs: args.has('preempt_delay') ? parseDuration(args.get('preempt_delay') ?? '') : 0,
    authPass: args.get('auth'),
    garpMasterDelayMs: args.has('garp_delay') ? parseDuration(args.get('garp_delay') ?? '') : 5000,
    garpMasterRepeat: Number(args.get('garp_repeat') ?? 5),
    garpMasterRefreshMs: args.has('garp_refresh') ? parseDuration(args.get('garp_refresh') ?? '') : 0,
    garpMasterRefreshRepeat: Number(args.get('garp_refresh_repeat') ?? 1),
    lowerPrioNoAdvert: bool(args.get('lower_prio_no_advert'), false),
    higherPrioSendAdvert: bool(args.get('higher_prio_send_advert'), false),
    ...(args.has('sync_group') ? {syncGroup: args.get('sync_group')} : {}),
  })
}

export function renderAction(action: VrrpAction): string | undefined {
  switch (action.type) {
    case 'send_advert':
      return `send advert prio=${action.priority}`
    case 'arm_timer':
      return `arm ${action.timer} at=${action.at}ms`
    case 'cancel_timer':
      return `cancel ${action.timer}`
    case 'add_vips':
      return `add vip ${action.vips.join(',')}`
    case 'remove_vips':
      return `remove vip ${action.vips.join(',')}`
    case 'garp':
      return `garp x${action.repeat}`
    case 'notify':
      return `notify ${action.state}`
    case 'log':
      return undefined
    case 'want_master':
      return `want master group=${action.group}`
  }
}

/** Joins `expect` lines with their whitespace-led continuations. */
function logicalLines(source: string): Line[] {
  const lines: Line[] = []
  for (const [index, text] of source.split('\n').entries()) {
    const previous = lines[lines.length - 1]
    if (/^\s+\S/.test(text) && previous?.text.startsWith('expect')) previous.text += `; ${text.trim()}`
    else lines.push({number: index + 1, text: text.trimEnd()})
  }
  return lines
}

function normalizeExpect(text: string): string {
  return text
    .replace(/^expect\s+/, '')
    .split(';')
    .map((part) => part.trim().replace(/\s+/g, ' '))
    .filter(Boolean)
    .join('; ')
}

/** Timers due at the same instant fire in this order, so transcripts do not depend on object key order. */
const TIMER_ORDER: TimerName[] = ['master_down', 'advert', 'garp']

class Runner {
  settings: VrrpInstanceSettings | undefined
  state: VrrpState | undefined
  now = 0
  readonly peers = new Map<string, string>()
  happened: string[] = []
  /** All actions, logs included, for assertions outside the transcript. */
  readonly allActions: VrrpAction[] = []

  private apply(input: VrrpInput): void {
    if (!this.state) throw new Error('no config yet')
    const result = step(this.state, input, this.now)
    this.state = result.state
    for (const action of result.actions) {
      this.allActions.push(action)
      const rendered = renderAction(action)
      if (rendered) this.happened.push(rendered)
    }
  }

  advanceTo(target: number): void {
    for (;;) {
      const timers = Object.entries(this.state?.timers ?? {}) as [TimerName, number][]
      const due = timers.filter(([, at]) => at <= target).sort((a, b) => a[1] - b[1] || TIMER_ORDER.indexOf(a[0]) - TIMER_ORDER.indexOf(b[0]))[0]
      if (!due) break
      this.now = Math.max(this.now, due[1])
      this.apply({type: 'timer', timer: due[0], at: due[1]})
    }
    this.now = target
  }

  address(name: string): string {
    return this.peers.get(name) ?? name
  }

  receive(args: Map<string, string>): void {
    const settings = this.settings
    if (!settings) throw new Error('no config yet')
    const source = this.address(args.get('from') ?? '')
    if (!source) throw new Error('recv advert needs from=')
    const version = Number(args.get('version') ?? settings.version) as 2 | 3
    const authPass = args.has('auth') ? args.get('auth') : settings.authPass
    const auth: VrrpAuth = authPass ? {type: 'pass', password: authPass} : {type: 'none'}
    const destination = args.get('to') ?? defaultDestination(settings.family)
    const message = encodeAdvert({
      version,
      family: settings.family,
      vrid: Number(args.get('vrid') ?? settings.vrid),
      priority: Number(args.get('prio') ?? 100),
      advertIntervalCs: args.has('advert') ? advertCs(args.get('advert') ?? '', version) : settings.advertIntervalCs,
      addresses: args.has('vips') ? (args.get('vips') ?? '').split(',').filter(Boolean) : settings.vips,
      auth,
      source,
      destination,
    })
    const checked = checkAdvert(message, {family: settings.family, source, destination, ttl: Number(args.get('ttl') ?? VRRP_TTL)}, settings)
    if (!checked.ok) {
      this.happened.push(`drop ${checked.reason}`)
      return
    }
    this.apply({type: 'advert', priority: checked.advert.priority, advertIntervalCs: checked.advert.advertIntervalCs, source: checked.advert.source})
  }

  command(words: string[]): void {
    const [verb, ...rest] = words
    const args = parseArgs(rest)
    switch (verb) {
      case 'config':
        this.settings = settingsFromConfig(args)
        this.state = initialState(this.settings)
        return
      case 'peer':
        for (const [name, address] of args) this.peers.set(name, address)
        return
      case 'start':
        this.apply({type: 'startup'})
        return
      case 'stop':
        this.apply({type: 'shutdown'})
        return
      case 'tick':
        this.advanceTo(this.now + parseDuration(rest[0] ?? ''))
        return
      case 'recv':
        if (rest[0] !== 'advert') throw new Error('only `recv advert` is known')
        this.receive(parseArgs(rest.slice(1)))
        return
      case 'fault':
        this.apply({type: 'fault', source: rest[0] ?? 'fault'})
        return
      case 'clear':
        this.apply({type: 'fault_cleared', source: rest[0] ?? 'fault'})
        return
      case 'weight':
        this.apply({type: 'track_weight', weight: Number(rest[0])})
        return
      case 'sync': {
        const to = rest[0]
        if (to !== 'MASTER' && to !== 'BACKUP' && to !== 'FAULT') throw new Error('sync takes MASTER, BACKUP or FAULT')
        this.apply({type: 'sync', to, group: parseArgs(rest.slice(1)).get('group') ?? 'VG_1'})
        return
      }
      default:
        throw new Error(`unknown command ${verb}`)
    }
  }

  flush(): string {
    const role = this.state?.role ?? 'INIT'
    const text = [`state=${role}`, ...this.happened].join('; ').replace('; ', ' ')
    this.happened = []
    return text
  }
}

/** Runs a transcript; `expected` is the file normalized, `actual` the same file with what really happened. */
export function renderTranscript(source: string): TranscriptResult & {state: VrrpState | undefined; actions: VrrpAction[]} {
  const runner = new Runner()
  const expected: string[] = []
  const actual: string[] = []
  for (const line of logicalLines(source)) {
    const text = line.text.trim()
    if (text.startsWith('expect')) {
      expected.push(`expect ${normalizeExpect(text)}`)
      actual.push(`expect ${runner.flush()}`)
      continue
    }
    expected.push(line.text)
    actual.push(line.text)
    if (text === '' || text.startsWith('#')) continue
    try {
      runner.command(text.split(/\s+/))
    } catch (error) {
      throw new Error(`line ${line.number}: ${(error as Error).message}`)
    }
  }
  if (runner.happened.length > 0) actual.push(`# not expected: ${runner.flush()}`)
  return {expected: expected.join('\n'), actual: actual.join('\n'), state: runner.state, actions: runner.allActions}
}
