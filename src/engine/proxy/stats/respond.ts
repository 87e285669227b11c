/**
 * Answers a request for the stats URI the way HAProxy 2.6 does (headers as the real binary sends
 * them): 401 with the realm when credentials are missing or wrong, 303 for a POST (no `stats admin`),
 * else the HTML page or the `;csv` export, chunked.
 */
import {encodeChunk, LAST_CHUNK, type RequestHead} from '../http1/index.js'
import {showStat, showStatJson, type StatSource} from '../runtime-api/stat.js'
import {BasicAuth} from './auth.js'
import {renderStatsPage} from './page.js'
import {matchStatsRequest} from './request.js'
import type {StatsPlan} from './settings.js'

export interface StatsAnswer {
  status: number
  /** Head and body, ready to write. */
  data: Buffer
  /** The client connection closes after it. */
  close: boolean
}

/** The version the page shows unless `stats hide-version`. */
const VERSION = '2.6-compatible (lbctl bundled engine)'

const UNAUTHORIZED_BODY = '<html><body><h1>401 Unauthorized</h1>\nYou need a valid user and password to access this content.\n</body></html>\n'

/** `stats realm` as it goes inside the quoted header value. */
const quoted = (text: string): string => text.replace(/["\\]/g, '\\$&')

export class StatsResponder {
  private readonly auth: BasicAuth

  constructor(readonly plan: StatsPlan) {
    this.auth = new BasicAuth(plan.auth)
  }

  /** The answer when the request is for the stats page, else undefined (it goes to a backend). */
  answer(request: RequestHead, source: () => StatSource, forceClose: boolean): StatsAnswer | undefined {
    const wanted = matchStatsRequest(request.method, request.target, this.plan.uri)
    if (!wanted) return undefined
    const close = forceClose || !request.keepAlive
    if (this.auth.required && !this.auth.accepts(request.headers.get('authorization'))) return this.unauthorized(request)
    if (request.method === 'POST') {
      // Without `stats admin`, HAProxy sends the browser back to the page with a "denied" notice.
      const head = `HTTP/1.1 303 See Other\r\ncache-control: no-cache\r\ncontent-type: text/plain\r\ncontent-length: 0\r\nlocation: ${this.plan.uri};st=DENY\r\n${connectionLine(request, close)}\r\n`
      return {status: 303, data: Buffer.from(head, 'latin1'), close}
    }
    const refresh = this.plan.refreshSeconds !== undefined && !wanted.noRefresh ? `refresh: ${this.plan.refreshSeconds}\r\n` : ''
    const type = wanted.format === 'csv' ? 'text/plain' : wanted.format === 'json' ? 'application/json' : 'text/html'
    const head = request.method === 'HEAD'
      ? `HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: ${type}\r\n${refresh}${connectionLine(request, close)}\r\n`
      : `HTTP/1.1 200 OK\r\ncache-control: no-cache\r\ncontent-type: ${type}\r\n${refresh}${connectionLine(request, close)}transfer-encoding: chunked\r\n\r\n`
    if (request.method === 'HEAD') return {status: 200, data: Buffer.from(head, 'latin1'), close}
    const stats = source()
    const scoped = this.scoped(stats)
    const filter = {hideAddresses: true}
    const body = wanted.format === 'json' ? showStatJson(scoped, filter) : wanted.format === 'csv' ? showStat(scoped, filter) : this.page(showStat(scoped, filter), wanted.noRefresh, stats.now)
    return {status: 200, data: Buffer.concat([Buffer.from(head, 'latin1'), ...encodeChunk(Buffer.from(body, 'utf8')), LAST_CHUNK]), close}
  }

  private unauthorized(request: RequestHead): StatsAnswer {
    // HAProxy closes the connection after a 401 from the stats page (saying so only to HTTP/1.0 clients).
    const head = `HTTP/1.1 401 Unauthorized\r\ncontent-length: ${UNAUTHORIZED_BODY.length}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\nwww-authenticate: Basic realm="${quoted(this.plan.realm)}"\r\n${request.version === 'HTTP/1.1' ? '' : 'connection: close\r\n'}\r\n`
    return {status: 401, data: Buffer.from(head + UNAUTHORIZED_BODY, 'latin1'), close: true}
  }

  private scoped(source: StatSource): StatSource {
    const scope = this.plan.scope
    if (scope.length === 0) return source
    return {...source, frontends: source.frontends.filter((f) => scope.includes(f.name)), backends: source.backends.filter((b) => scope.includes(b.name))}
  }

  private page(csv: string, noRefresh: boolean, now: number): string {
    return renderStatsPage(csv, {
      ...(this.plan.hideVersion ? {} : {version: VERSION}),
      pid: process.pid,
      uri: this.plan.uri,
      ...(this.plan.refreshSeconds !== undefined ? {refreshSeconds: this.plan.refreshSeconds} : {}),
      noRefresh,
      now: new Date(now),
    })
  }
}

/** HTTP/1.1 keep-alive needs no header; otherwise the client is told what happens to the connection. */
function connectionLine(request: RequestHead, close: boolean): string {
  if (request.version === 'HTTP/1.1') return close ? 'connection: close\r\n' : ''
  return close ? 'connection: close\r\n' : 'connection: keep-alive\r\n'
}

const responders = new WeakMap<StatsPlan, StatsResponder>()

/** One responder per plan (its credential digests are computed once per configuration). */
export function statsResponder(plan: StatsPlan): StatsResponder {
  let responder = responders.get(plan)
  if (!responder) responders.set(plan, (responder = new StatsResponder(plan)))
  return responder
}
