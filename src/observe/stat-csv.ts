// `show stat` CSV → typed rows. Columns are looked up by the names in the `# pxname,svname,...` header,
// never by position: HAProxy appends columns between versions and the bundled engine may emit fewer.

export type RowType = 'frontend' | 'backend' | 'server' | 'listener'

/** The state word HAProxy prints in the status column, without the transition counter or detail. */
export type StatusState = 'UP' | 'DOWN' | 'NOLB' | 'MAINT' | 'DRAIN' | 'no check' | 'OPEN' | 'FULL' | 'STOP' | 'WAITING' | 'unknown'

export interface Status {
  /** Exactly what HAProxy printed: `UP 1/3`, `MAINT (via app/web1)`, `no check`. */
  raw: string
  state: StatusState
  /**
   * A health check is moving the server: `UP 1/3` is still UP but failing (1 of fall 3 failures seen),
   * `DOWN 1/2` is still DOWN but recovering (1 of rise 2 successes seen).
   */
  transition?: {toward: 'DOWN' | 'UP'; step: number; of: number}
  /** The parenthesised part: `via app/web1`, `agent`, `resolution`. */
  detail?: string
}

export interface CheckResult {
  /** `L7OK`, `L4CON`, `L7STS`, ... without the `* ` in-progress marker. */
  status: string
  code?: number
  durationMs?: number
  inProgress: boolean
  description?: string
}

export interface StatRow {
  proxy: string
  /** `FRONTEND`, `BACKEND` or the server/listener name. */
  name: string
  type: RowType
  status: Status
  weight?: number
  /** Active / backup servers UP (backend rows); 1/0 flags for a server row. */
  act?: number
  bck?: number
  qcur?: number
  qmax?: number
  scur?: number
  smax?: number
  slim?: number
  stot?: number
  /** Sessions per second over the last second. */
  rate?: number
  rateMax?: number
  /** HTTP requests per second (frontends only in HAProxy 2.6). */
  reqRate?: number
  reqTot?: number
  bin?: number
  bout?: number
  chkfail?: number
  chkdown?: number
  /** Seconds since the last UP↔DOWN change. */
  lastchg?: number
  /** Total seconds spent DOWN. */
  downtime?: number
  check?: CheckResult
  /** The last check as HAProxy's stats page shows it: `L7OK/200 in 1ms`. */
  checkText: string
  addr?: string
  mode?: string
  hrsp4xx?: number
  hrsp5xx?: number
  /** Every column by header name, for fields not typed above. */
  columns: Record<string, string>
}

const TYPES: Record<string, RowType> = {'0': 'frontend', '1': 'backend', '2': 'server', '3': 'listener'}
const STATES: StatusState[] = ['UP', 'DOWN', 'NOLB', 'MAINT', 'DRAIN', 'no check', 'OPEN', 'FULL', 'STOP', 'WAITING']

export function parseStatus(raw: string): Status {
  const text = raw.trim()
  const match = /^(UP|DOWN|NOLB|MAINT|DRAIN|no check|OPEN|FULL|STOP|WAITING)(?: (\d+)\/(\d+))?(?: \((.*)\))?$/.exec(text)
  if (!match) return {raw: text, state: 'unknown'}
  const state = STATES.find((s) => s === match[1]) ?? 'unknown'
  const status: Status = {raw: text, state}
  if (match[2] !== undefined && match[3] !== undefined) {
    // HAProxy prints "UP x/y" while failing checks accumulate, "DOWN x/y" while successes do (NOLB behaves like UP).
    status.transition = {toward: state === 'DOWN' ? 'UP' : 'DOWN', step: Number(match[2]), of: Number(match[3])}
  }
  if (match[4] !== undefined) status.detail = match[4]
  return status
}

/** `L7OK/200 in 1ms`, `L4CON in 0ms`, `* L7OK/200 in 1ms` while a check runs; empty when no check ran. */
export function formatCheck(check: CheckResult | undefined): string {
  if (!check) return ''
  let text = check.status
  if (check.code !== undefined) text += `/${check.code}`
  if (check.durationMs !== undefined) text += ` in ${check.durationMs}ms`
  return check.inProgress ? `* ${text}` : text
}

function num(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : undefined
}

function parseCheck(get: (name: string) => string | undefined): CheckResult | undefined {
  let status = get('check_status')
  if (!status) return undefined
  const inProgress = status.startsWith('* ')
  if (inProgress) status = status.slice(2)
  const check: CheckResult = {status, inProgress}
  const code = num(get('check_code'))
  if (code !== undefined) check.code = code
  const duration = num(get('check_duration'))
  if (duration !== undefined) check.durationMs = duration
  const description = get('check_desc')
  if (description) check.description = description
  return check
}

/** Splits one CSV line; HAProxy quotes a field (doubling inner quotes) when it holds a comma or a quote. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',')
  const cells: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      cells.push(cell)
      cell = ''
    } else cell += c
  }
  cells.push(cell)
  return cells
}

export class StatCsvError extends Error {
  override name = 'StatCsvError'
}

/** Parses the whole answer to `show stat`. Throws StatCsvError when there is no `# pxname,...` header. */
export function parseShowStat(text: string): StatRow[] {
  const lines = text.split('\n')
  const headerIndex = lines.findIndex((l) => l.startsWith('# '))
  const header = headerIndex >= 0 ? lines[headerIndex] : undefined
  if (header === undefined) throw new StatCsvError(`not a show stat answer: ${JSON.stringify(text.slice(0, 80))}`)
  const names = header.slice(2).split(',').map((n) => n.trim())
  if (!names.includes('pxname') || !names.includes('svname')) throw new StatCsvError('show stat header has no pxname/svname column')
  const rows: StatRow[] = []
  for (const line of lines.slice(headerIndex + 1)) {
    if (line.trim() === '' || line.startsWith('#')) continue
    const cells = splitCsvLine(line)
    const columns: Record<string, string> = {}
    names.forEach((name, i) => {
      if (name !== '') columns[name] = cells[i] ?? ''
    })
    const get = (name: string): string | undefined => columns[name]
    const svname = get('svname') ?? ''
    const type = TYPES[get('type') ?? ''] ?? (svname === 'FRONTEND' ? 'frontend' : svname === 'BACKEND' ? 'backend' : 'server')
    const check = parseCheck(get)
    const row: StatRow = {
      proxy: get('pxname') ?? '',
      name: svname,
      type,
      status: parseStatus(get('status') ?? ''),
      checkText: formatCheck(check),
      columns,
    }
    const numeric: [keyof StatRow, string][] = [
      ['weight', 'weight'], ['act', 'act'], ['bck', 'bck'], ['qcur', 'qcur'], ['qmax', 'qmax'],
      ['scur', 'scur'], ['smax', 'smax'], ['slim', 'slim'], ['stot', 'stot'], ['rate', 'rate'], ['rateMax', 'rate_max'],
      ['reqRate', 'req_rate'], ['reqTot', 'req_tot'], ['bin', 'bin'], ['bout', 'bout'], ['chkfail', 'chkfail'],
      ['chkdown', 'chkdown'], ['lastchg', 'lastchg'], ['downtime', 'downtime'], ['hrsp4xx', 'hrsp_4xx'], ['hrsp5xx', 'hrsp_5xx'],
    ]
    const target = row as unknown as Record<string, unknown>
    for (const [key, column] of numeric) {
      const value = num(get(column))
      if (value !== undefined) target[key] = value
    }
    if (check) row.check = check
    const addr = get('addr')
    if (addr) row.addr = addr
    const mode = get('mode')
    if (mode) row.mode = mode
    rows.push(row)
  }
  return rows
}
