// `show info` ("Name: value" lines) and `show servers state` (a version line, a `# name name ...` header,
// then space-separated rows) → typed values. Both are read by field name.

export interface ShowInfo {
  name?: string
  version?: string
  pid?: number
  uptimeSec?: number
  currConns?: number
  maxconn?: number
  sessRate?: number
  /** Every field by name, as HAProxy printed it. */
  fields: Record<string, string>
}

export function parseShowInfo(text: string): ShowInfo {
  const fields: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    fields[line.slice(0, colon).trim()] = line.slice(colon + 1).trim()
  }
  const num = (key: string): number | undefined => {
    const value = fields[key]
    if (value === undefined || value === '') return undefined
    const n = Number(value)
    return Number.isFinite(n) ? n : undefined
  }
  const info: ShowInfo = {fields}
  if (fields.Name !== undefined) info.name = fields.Name
  if (fields.Version !== undefined) info.version = fields.Version
  const numbers: [keyof ShowInfo, string][] = [['pid', 'Pid'], ['uptimeSec', 'Uptime_sec'], ['currConns', 'CurrConns'], ['maxconn', 'Maxconn'], ['sessRate', 'SessRate']]
  for (const [key, field] of numbers) {
    const value = num(field)
    if (value !== undefined) (info as unknown as Record<string, unknown>)[key] = value
  }
  return info
}

export interface ServerStateRow {
  backend: string
  server: string
  addr: string
  /** srv_op_state: 0 stopped, 1 starting, 2 running, 3 stopping. */
  opState: number
  /** srv_admin_state bit field: 0x01 forced MAINT, 0x02 inherited MAINT, 0x08 forced DRAIN, ... */
  adminState: number
  userWeight: number
  effectiveWeight: number
  secondsSinceChange: number
  port?: number
  /** Every column by header name. */
  columns: Record<string, string>
}

export function parseServersState(text: string): ServerStateRow[] {
  const lines = text.split('\n')
  const header = lines.find((l) => l.startsWith('# '))
  if (!header) return []
  const names = header.slice(2).trim().split(/\s+/)
  const rows: ServerStateRow[] = []
  for (const line of lines.slice(lines.indexOf(header) + 1)) {
    if (line.trim() === '' || line.startsWith('#')) continue
    const cells = line.trim().split(/\s+/)
    const columns: Record<string, string> = {}
    names.forEach((name, i) => (columns[name] = cells[i] ?? ''))
    const n = (key: string) => Number(columns[key] ?? 'NaN')
    const row: ServerStateRow = {
      backend: columns.be_name ?? '',
      server: columns.srv_name ?? '',
      addr: columns.srv_addr ?? '',
      opState: n('srv_op_state'),
      adminState: n('srv_admin_state'),
      userWeight: n('srv_uweight'),
      effectiveWeight: n('srv_iweight'),
      secondsSinceChange: n('srv_time_since_last_change'),
      columns,
    }
    const port = Number(columns.srv_port)
    if (columns.srv_port && Number.isFinite(port)) row.port = port
    rows.push(row)
  }
  return rows
}
