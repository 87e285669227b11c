/**
 * The HTML stats page: one table per proxy (frontend, servers, backend rows), coloured by server
 * state like HAProxy's page. It is rendered from the same CSV as `;csv`, so both always agree.
 */
import {parseShowStat, type StatRow} from '../../../observe/stat-csv.js'
import {ADMIN_ACTIONS} from './admin.js'

export interface PageOptions {
  /** Hidden by `stats hide-version`. */
  version?: string
  pid: number
  /** The stats URI, for the links to `;csv`, `;norefresh` and back. */
  uri: string
  refreshSeconds?: number
  noRefresh: boolean
  now: Date
  /** `stats admin` allows this request: server rows get checkboxes and the actions form. */
  admin?: boolean
  /** The outcome of the last admin action (`;st=DONE` after the redirect). */
  notice?: string
}

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** 0s, 42s, 5m12s, 3h4m, 2d5h: the short durations of HAProxy's page. */
export function humanDuration(seconds: number | undefined): string {
  if (seconds === undefined || seconds < 0) return ''
  const d = Math.floor(seconds / 86400)
  const h = Math.floor((seconds % 86400) / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  if (d > 0) return `${d}d${h}h`
  if (h > 0) return `${h}h${m}m`
  if (m > 0) return `${m}m${s}s`
  return `${s}s`
}

/** The row class that gives a server its colour (HAProxy's names). */
export function serverClass(row: StatRow): string {
  const state = row.status.state
  if (state === 'MAINT') return 'maintain'
  const side = row.bck === 1 ? 'backup' : 'active'
  if (state === 'no check') return `${side}_no_check`
  if (state === 'DRAIN') return `${side}_draining`
  if (state === 'NOLB') return `${side}_nolb`
  if (state === 'DOWN') return row.status.transition ? `${side}_going_up` : `${side}_down`
  if (state === 'UP') return row.status.transition ? `${side}_going_down` : `${side}_up`
  return `${side}_no_check`
}

const COLOURS: [klass: string, colour: string, legend: string][] = [
  ['active_up', '#c0ffc0', 'active UP'],
  ['backup_up', '#b0d0ff', 'backup UP'],
  ['active_going_down', '#ffffa0', 'active UP, going down'],
  ['backup_going_down', '#c060ff', 'backup UP, going down'],
  ['active_going_up', '#ffd020', 'active DOWN, going up'],
  ['backup_going_up', '#ff80ff', 'backup DOWN, going up'],
  ['active_down', '#ff9090', 'active or backup DOWN'],
  ['backup_down', '#ff9090', ''],
  ['active_no_check', '#e0e0e0', 'not checked'],
  ['backup_no_check', '#e0e0e0', ''],
  ['active_nolb', '#20a0ff', 'active or backup SOFT STOPPED for maintenance'],
  ['backup_nolb', '#90b0e0', ''],
  ['active_draining', '#20a0ff', 'active or backup DRAIN'],
  ['backup_draining', '#cc9900', ''],
  ['maintain', '#c07820', 'active or backup MAINT'],
]

const STYLE = `body { font-family: arial, helvetica, sans-serif; font-size: 12px; color: black; background: white; }
th, td { font-size: 10px; }
h1 { font-size: x-large; margin-bottom: 0.5em; }
h3 { font-size: 16px; font-weight: bold; color: #b00040; background: #e8e8d0; margin: 0; }
table.tbl { border-collapse: collapse; margin-bottom: 1.5em; }
table.tbl td { text-align: right; border: 1px solid gray; padding: 2px 3px; white-space: nowrap; }
table.tbl td.ac { text-align: center; }
table.tbl td.al { text-align: left; }
table.tbl th { border: 1px solid gray; padding: 2px 3px; }
table.tbl th.pxname { background: #b00040; color: #ffff40; font-weight: bold; text-align: left; }
table.tbl th.empty { border-style: none; background: white; }
table.lgd { border-collapse: collapse; }
table.lgd td { border: 1px solid gray; padding: 2px; font-size: 10px; }
.titre { background: #20D0D0; color: #000000; font-weight: bold; text-align: center; }
.frontend, .backend { background: #e8e8d0; }
${COLOURS.map(([klass, colour]) => `.${klass} { background: ${colour}; }`).join('\n')}
`

const HEADER = `<tr class="titre"><th rowspan="2"></th><th colspan="3">Queue</th><th colspan="3">Session rate</th><th colspan="6">Sessions</th><th colspan="2">Bytes</th><th colspan="2">Denied</th><th colspan="3">Errors</th><th colspan="2">Warnings</th><th colspan="9">Server</th></tr>
<tr class="titre"><th>Cur</th><th>Max</th><th>Limit</th><th>Cur</th><th>Max</th><th>Limit</th><th>Cur</th><th>Max</th><th>Limit</th><th>Total</th><th>LbTot</th><th>Last</th><th>In</th><th>Out</th><th>Req</th><th>Resp</th><th>Req</th><th>Conn</th><th>Resp</th><th>Retr</th><th>Redis</th><th>Status</th><th>LastChk</th><th>Wght</th><th>Act</th><th>Bck</th><th>Chk</th><th>Dwn</th><th>Dwntme</th><th>Thrtle</th></tr>
`

function cells(row: StatRow): string {
  const c = (name: string) => escape(row.columns[name] ?? '')
  const td = (text: string, klass?: string) => `<td${klass ? ` class="${klass}"` : ''}>${text}</td>`
  const server = row.type === 'server'
  const last = c('lastsess')
  // HAProxy shows an unchecked server's state in italics, without the time since its last change.
  const status = row.type === 'frontend' ? row.status.raw : row.status.state === 'no check' ? '<i>no check</i>' : `${humanDuration(row.lastchg)} ${escape(row.status.raw)}`
  return [
    td(`${escape(row.type === 'frontend' ? 'Frontend' : row.type === 'backend' ? 'Backend' : row.name)}`, 'al'),
    td(c('qcur')), td(c('qmax')), td(server ? c('qlimit') : ''),
    td(c('rate')), td(c('rate_max')), td(c('rate_lim')),
    td(c('scur')), td(c('smax')), td(c('slim')), td(c('stot')), td(c('lbtot')), td(last === '' || last === '-1' ? '' : humanDuration(Number(last))),
    td(c('bin')), td(c('bout')),
    td(c('dreq')), td(c('dresp')),
    td(c('ereq')), td(c('econ')), td(c('eresp')),
    td(c('wretr')), td(c('wredis')),
    td(status, 'ac'), td(escape(row.checkText), 'al'),
    td(c('weight'), 'ac'), td(server ? (row.act ? 'Y' : '-') : c('act'), 'ac'), td(server ? (row.bck ? 'Y' : '-') : c('bck'), 'ac'),
    td(c('chkfail')), td(c('chkdown')), td(row.type === 'frontend' ? '' : humanDuration(row.downtime)), td(c('throttle'), 'ac'),
  ].join('')
}

function rowClass(row: StatRow): string {
  return row.type === 'server' ? serverClass(row) : row.type
}

function proxyTable(name: string, rows: StatRow[], admin: boolean): string {
  const servers = rows.filter((r) => r.type === 'server')
  const withForm = admin && servers.length > 0
  const box = (row: StatRow) => (withForm ? `<td>${row.type === 'server' ? `<input class="${escape(name)}-checkbox" type="checkbox" name="s" value="${escape(row.name)}">` : ''}</td>` : '')
  const body = rows.map((row) => `<tr class="${rowClass(row)}" data-name="${escape(row.name)}">${box(row)}${cells(row)}</tr>`).join('\n')
  const header = withForm ? HEADER.replace('<tr class="titre"><th rowspan="2">', '<tr class="titre"><th rowspan="2"></th><th rowspan="2">') : HEADER
  const table = `<table class="tbl" width="100%" id="${escape(name)}">
<tr><th class="pxname" colspan="${withForm ? 32 : 31}"><a name="${escape(name)}"></a>${escape(name)}</th></tr>
${header}${body}
</table>
`
  if (!withForm) return table
  const iid = escape(servers[0]!.columns.iid ?? '')
  const options = ADMIN_ACTIONS.map(([value, label]) => `<option value="${value}">${escape(label)}</option>`).join('')
  return `<form method="post">${table}Choose the action to perform on the checked servers : <select name="action"><option value=""></option>${options}</select><input type="hidden" name="b" value="#${iid}">&nbsp;<input type="submit" value="Apply"></form>
`
}

function legend(): string {
  const items = COLOURS.filter(([, , text]) => text !== '').map(([klass, , text]) => `<tr><td class="${klass}">&nbsp;</td><td>${escape(text)}</td></tr>`)
  return `<table class="lgd">${items.join('')}</table>`
}

export function renderStatsPage(csv: string, options: PageOptions): string {
  const rows = parseShowStat(csv)
  const proxies = new Map<string, StatRow[]>()
  for (const row of rows) {
    const list = proxies.get(row.proxy) ?? []
    list.push(row)
    proxies.set(row.proxy, list)
  }
  const uri = escape(options.uri)
  const refreshLink = options.refreshSeconds === undefined ? '' : options.noRefresh ? `<li><a href="${uri}">Enable refresh</a></li>` : `<li><a href="${uri};norefresh">Disable refresh</a></li>`
  const title = options.version === undefined ? 'HAProxy' : `HAProxy version ${escape(options.version)}`
  return `<!DOCTYPE html>
<html><head><title>Statistics Report for HAProxy</title>
<link rel="icon" href="data:,">
<meta http-equiv="content-type" content="text/html; charset=utf-8">
<style type="text/css">
${STYLE}</style></head>
<body>
<h1>${title}</h1>
<h3>&gt; Statistics Report for pid ${options.pid}</h3>
<p>Updated ${escape(options.now.toUTCString())}</p>
${legend()}
<ul><li><a href="${uri}${options.noRefresh ? ';norefresh' : ''}">Refresh now</a></li>${refreshLink}<li><a href="${uri};csv">CSV export</a></li></ul>
${options.notice ? `<p class="notice">${escape(options.notice)}</p>\n` : ''}${[...proxies].map(([name, list]) => proxyTable(name, list, options.admin === true)).join('')}</body></html>
`
}
