/**
 * HAProxy's log-format language: `%ci:%cp [%tr] %ft %b/%s ... %{+Q}r`. A format is compiled once
 * per configuration into parts; rendering a line walks them. Unescaped spaces are separators:
 * consecutive ones collapse, and one is only written when something was written since the last
 * (so `%hr %hs` vanish without leaving spaces when nothing is captured), as HAProxy does.
 */
import type {LogRecord} from './record.js'
import type {Parsed} from './target.js'

/** `option httplog` (HAProxy 2.6's HTTP_LOG_FORMAT). */
export const HTTPLOG_FORMAT = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r'
/** `option tcplog`. */
export const TCPLOG_FORMAT = '%ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq'

type Part = {kind: 'sep'} | {kind: 'text'; text: string} | {kind: 'var'; name: string; quote: boolean; hex: boolean}

export interface LogFormat {
  readonly text: string
  readonly parts: readonly Part[]
}

/** null: the variable writes nothing at all (no capture slots), so a separator after it collapses; '' is an empty value, which does not. */
type Value = string | number | undefined | null
type Getter = (r: LogRecord) => Value

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const two = (n: number): string => (n < 10 ? `0${n}` : String(n))

/** `21/Nov/2026:07:46:31` (+ `.528` with milliseconds), local time or GMT. */
function logDate(ms: number, withMs: boolean, gmt: boolean): string {
  const d = new Date(ms)
  const [day, month, year, h, m, s] = gmt
    ? [d.getUTCDate(), d.getUTCMonth(), d.getUTCFullYear(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getDate(), d.getMonth(), d.getFullYear(), d.getHours(), d.getMinutes(), d.getSeconds()]
  const base = `${two(day)}/${MONTHS[month]}/${year}:${two(h)}:${two(m)}:${two(s)}`
  if (withMs) return `${base}.${String(ms % 1000).padStart(3, '0')}`
  return base
}

/** ` +0000` style offset of local time. */
function zone(ms: number): string {
  const offset = -new Date(ms).getTimezoneOffset()
  const abs = Math.abs(offset)
  return `${offset < 0 ? '-' : '+'}${two(Math.floor(abs / 60))}${two(abs % 60)}`
}

const captures = (values: readonly (string | undefined)[] | undefined, configured: number): Value => {
  if (configured === 0) return null
  const list: (string | undefined)[] = []
  for (let i = 0; i < configured; i++) list.push(values?.[i])
  return `{${list.map((v) => v ?? '').join('|')}}`
}

/** Per-variable getters; `requestCaptureCount`/`responseCaptureCount` come from the proxy's capture lines. */
function getters(requestCaptureCount: number, responseCaptureCount: number): Record<string, Getter> {
  const requestLine = (r: LogRecord) => (r.method === undefined ? '<BADREQ>' : `${r.method} ${r.uri ?? ''}${r.version ? ` ${r.version}` : ''}`)
  const path = (r: LogRecord) => (r.uri === undefined ? undefined : r.uri.split('?')[0])
  return {
    B: (r) => r.bytesOut,
    U: (r) => r.bytesIn,
    CC: () => '-',
    CS: () => '-',
    H: () => undefined,
    ST: (r) => r.status,
    T: (r) => `${logDate(r.acceptMs, false, true)} +0000`,
    Tl: (r) => `${logDate(r.acceptMs, false, false)} ${zone(r.acceptMs)}`,
    Ta: (r) => r.Ta,
    Tc: (r) => r.Tc,
    Td: (r) => (r.Tt < 0 || r.Tc < 0 || r.Tw < 0 ? -1 : r.Tt - r.Ti - r.TR - r.Tw - r.Tc - Math.max(r.Tr, 0)),
    Th: (r) => r.Th,
    Ti: (r) => r.Ti,
    Tq: (r) => (r.TR < 0 ? -1 : r.Th + r.Ti + r.TR),
    TR: (r) => r.TR,
    Tr: (r) => r.Tr,
    Tt: (r) => r.Tt,
    Tu: (r) => r.Tt - r.Th - r.Ti,
    Tw: (r) => r.Tw,
    ac: (r) => r.actconn,
    b: (r) => r.backend,
    bc: (r) => r.beconn,
    bi: (r) => r.serverIp,
    bp: (r) => r.serverPort,
    bq: (r) => r.backendQueue,
    ci: (r) => r.clientIp,
    cp: (r) => r.clientPort,
    f: (r) => r.frontend,
    fc: (r) => r.feconn,
    fi: (r) => r.frontendIp,
    fp: (r) => r.frontendPort,
    ft: (r) => (r.tls ? `${r.frontend}~` : r.frontend),
    // A request that never parsed (<BADREQ>) has no capture slots in HAProxy: nothing is written.
    hr: (r) => (r.method === undefined ? null : captures(r.requestCaptures, requestCaptureCount)),
    hs: (r) => (r.method === undefined ? null : captures(r.responseCaptures, responseCaptureCount)),
    hrl: (r) => (requestCaptureCount === 0 || r.method === undefined ? null : Array.from({length: requestCaptureCount}, (_, i) => r.requestCaptures?.[i] ?? '-').join(' ')),
    hsl: (r) => (responseCaptureCount === 0 || r.method === undefined ? null : Array.from({length: responseCaptureCount}, (_, i) => r.responseCaptures?.[i] ?? '-').join(' ')),
    lc: (r) => r.requestCounter,
    ms: (r) => String(r.acceptMs % 1000).padStart(3, '0'),
    pid: () => process.pid,
    r: requestLine,
    rc: (r) => (r.redispatched ? `+${r.retries}` : r.retries),
    rt: (r) => r.requestCounter,
    s: (r) => r.server,
    sc: (r) => r.srvconn,
    si: (r) => r.serverIp,
    sp: (r) => r.serverPort,
    sq: (r) => r.srvQueue,
    t: (r) => logDate(r.acceptMs, true, false),
    tr: (r) => logDate(r.requestMs, true, false),
    trg: (r) => `${logDate(r.requestMs, false, true)} +0000`,
    trl: (r) => `${logDate(r.requestMs, false, false)} ${zone(r.requestMs)}`,
    ts: (r) => r.state,
    tsc: (r) => `${r.state}--`,
    // A request that never parsed shows <BADREQ> in each part, as HAProxy does.
    HM: (r) => (r.method === undefined ? '<BADREQ>' : r.method),
    HP: (r) => (r.method === undefined ? '<BADREQ>' : path(r)),
    HQ: (r) => (r.method === undefined ? '<BADREQ>' : r.uri?.includes('?') ? r.uri.slice(r.uri.indexOf('?')) : ''),
    HU: (r) => (r.method === undefined ? '<BADREQ>' : r.uri),
    HV: (r) => (r.method === undefined ? '<BADREQ>' : r.version),
  }
}

const NAME = /^[A-Za-z]+/

/** Compiles a log-format string; `%[sample]` expressions and unknown variables are refused with a clear reason. */
export function compileLogFormat(text: string): Parsed<LogFormat> {
  const parts: Part[] = []
  let literal = ''
  const flushText = () => {
    if (literal !== '') parts.push({kind: 'text', text: literal})
    literal = ''
  }
  const known = getters(0, 0)
  for (let i = 0; i < text.length; ) {
    const c = text[i]!
    if (c === ' ') {
      flushText()
      if (parts.at(-1)?.kind !== 'sep') parts.push({kind: 'sep'})
      i++
      continue
    }
    if (c !== '%') {
      literal += c
      i++
      continue
    }
    if (text[i + 1] === '%') {
      literal += '%'
      i += 2
      continue
    }
    let j = i + 1
    let quote = false
    let hex = false
    if (text[j] === '{') {
      const close = text.indexOf('}', j)
      if (close < 0) return {ok: false, problem: `log-format: missing '}' after '%{' in '${text}'`}
      for (const flag of text.slice(j + 1, close).split(/(?=[+-])/)) {
        if (flag === '+Q') quote = true
        else if (flag === '-Q') quote = false
        else if (flag === '+X') hex = true
        else if (flag !== '+E' && flag !== '-E' && flag !== '-X' && flag !== '') return {ok: false, problem: `log-format: unknown flag '${flag}' in '${text}'`}
      }
      j = close + 1
    }
    if (text[j] === '[') return {ok: false, problem: `log-format: sample expressions (%[...]) are not supported by the bundled engine yet: '${text}'`}
    const name = NAME.exec(text.slice(j))?.[0]
    // Longest known name first: `%Tq/` is Tq, `%cip` is not a variable.
    const match = name && [...Array(name.length).keys()].map((k) => name.slice(0, name.length - k)).find((n) => n in known)
    if (!match) return {ok: false, problem: `log-format: no such format variable '%${name ?? text.slice(j, j + 3)}' in '${text}'`}
    flushText()
    parts.push({kind: 'var', name: match, quote, hex})
    i = j + match.length
  }
  flushText()
  return {ok: true, value: {text, parts}}
}

/** Renders the compiled format with a record (capture counts come from the proxy's `capture` lines). */
export class LogLine {
  private readonly get: Record<string, Getter>

  constructor(
    readonly format: LogFormat,
    requestCaptureCount = 0,
    responseCaptureCount = 0,
  ) {
    this.get = getters(requestCaptureCount, responseCaptureCount)
  }

  render(record: LogRecord): string {
    let out = ''
    let lastSpace = true
    for (const part of this.format.parts) {
      if (part.kind === 'sep') {
        if (!lastSpace) out += ' '
        lastSpace = true
        continue
      }
      let text: string
      if (part.kind === 'text') text = part.text
      else {
        const value = this.get[part.name]!(record)
        if (value === null) continue
        text = value === undefined ? '-' : part.hex && typeof value === 'number' ? value.toString(16).toUpperCase() : String(value)
        if (part.quote) text = `"${text}"`
      }
      out += text
      lastSpace = false
    }
    return out
  }
}
