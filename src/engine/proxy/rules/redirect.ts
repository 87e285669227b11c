/**
 * `redirect location|prefix|scheme <x> [code N] [drop-query] [append-slash] [set-cookie N[=V]]
 * [clear-cookie N]`, as a directive or an `http-request redirect` action. Responses as HAProxy 2.6
 * writes them: empty body, `cache-control: no-cache` on 302/303/307.
 */
import type {AclRequest, Compiled} from '../acl/index.js'
import {pathOf} from '../acl/fetches.js'
import {reasonPhrase} from '../http/errors.js'
import {compileLogFormat, type Formatter} from './log-format.js'
import type {LocalReply} from './reply.js'

const CODES = new Set([301, 302, 303, 307, 308])

export interface Redirect {
  build(req: AclRequest): LocalReply
}

/** `words` are the ones after `redirect` (or after `http-request redirect`), before the condition. */
export function compileRedirect(words: readonly string[]): Compiled<Redirect> {
  const [type, value] = words
  if (type !== 'location' && type !== 'prefix' && type !== 'scheme') return {ok: false, problem: `redirect: expects 'location', 'prefix' or 'scheme', not '${type ?? ''}'`}
  if (value === undefined) return {ok: false, problem: `redirect ${type}: missing the ${type === 'scheme' ? 'scheme' : 'URL'}`}
  let code = 302
  let dropQuery = false
  let appendSlash = false
  const cookies: string[] = []
  for (let i = 2; i < words.length; i++) {
    const w = words[i]
    if (w === 'code') {
      code = Number(words[++i])
      if (!CODES.has(code)) return {ok: false, problem: `redirect: code must be one of 301, 302, 303, 307 or 308, not '${words[i] ?? ''}'`}
    } else if (w === 'drop-query') dropQuery = true
    else if (w === 'append-slash') appendSlash = true
    else if (w === 'set-cookie') cookies.push(`${words[++i] ?? ''}; path=/;`)
    else if (w === 'clear-cookie') cookies.push(`${(words[++i] ?? '').replace(/=.*$/, '')}; path=/; Max-Age=0;`)
    else return {ok: false, problem: `redirect: option '${w ?? ''}' is not supported by the bundled engine yet`}
  }
  const format = compileLogFormat(value)
  if (!format.ok) return format
  const where: Formatter = format.value
  const location = (req: AclRequest): string => {
    if (type === 'location') return where(req)
    let path = pathWithQuery(req.target) ?? '/'
    if (dropQuery) path = path.replace(/\?.*$/, '')
    let out: string
    if (type === 'prefix') {
      const prefix = where(req)
      // A prefix of "/" means "the same URL" (used to only set a cookie).
      out = (prefix === '/' ? '' : prefix) + path
    } else {
      const host = hostOf(req)
      out = `${where(req)}://${host ?? ''}${path}`
    }
    if (appendSlash && !out.endsWith('/')) out += '/'
    return out
  }
  const cacheControl = code === 302 || code === 303 || code === 307
  return {
    ok: true,
    value: {
      build(req) {
        const headers: [string, string][] = [
          ['content-length', '0'],
          ['location', location(req)],
        ]
        if (cacheControl) headers.push(['cache-control', 'no-cache'])
        for (const c of cookies) headers.push(['set-cookie', c])
        return {status: code, version: 'HTTP/1.1', reason: reasonPhrase(code), headers, body: Buffer.alloc(0)}
      },
    },
  }
}

/** The path and query of the target (absolute-form targets lose their scheme and authority). */
function pathWithQuery(target: string): string | undefined {
  if (target.startsWith('/')) return target
  if (pathOf(target) === undefined) return undefined
  return target.slice(target.indexOf('/', target.indexOf('://') + 3))
}

function hostOf(req: AclRequest): string | undefined {
  const headers = req.requestHeaders ?? req.headers
  for (let i = 0; i < headers.length; i++) if (headers.name(i).toLowerCase() === 'host') return headers.value(i).trim()
  return undefined
}
