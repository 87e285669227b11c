/**
 * `userlist` sections for `http-request auth` and the `http_auth(L)` / `http_auth_group(L)` fetches:
 * users with `insecure-password` (compared in constant time) or a crypt(3) `password`, and groups
 * from both `group G users a,b` and `user U groups G`.
 */
import type {HaproxyModel} from '../../../config/haproxy/index.js'
import type {AuthenticatedUser} from '../acl/index.js'
import {decodeBasic, sameSecret} from '../stats/auth.js'
import {cryptSupported, verifyCrypt} from './crypt.js'

interface UserEntry {
  name: string
  password: string
  insecure: boolean
  groups: string[]
}

export class Userlist {
  private readonly users = new Map<string, UserEntry>()

  constructor(
    readonly name: string,
    users: readonly UserEntry[],
  ) {
    for (const u of users) this.users.set(u.name, u)
  }

  /** The user an `Authorization: Basic` header proves, with their groups; undefined otherwise. */
  authenticate(header: string | undefined): AuthenticatedUser | undefined {
    const decoded = decodeBasic(header)
    if (decoded === undefined) return undefined
    const colon = decoded.indexOf(':')
    const name = decoded.slice(0, colon)
    const password = decoded.slice(colon + 1)
    const user = this.users.get(name)
    // An unknown user still costs a comparison, so timing does not tell which names exist.
    if (!user) {
      sameSecret(password, '\0unknown user')
      return undefined
    }
    const ok = user.insecure ? sameSecret(password, user.password) : verifyCrypt(password, user.password)
    return ok ? {user: user.name, groups: user.groups} : undefined
  }
}

/** Every userlist of the configuration; problems for password hashes the engine cannot verify. */
export function planUserlists(model: HaproxyModel, problems: string[]): Map<string, Userlist> {
  const out = new Map<string, Userlist>()
  for (const [name, users] of model.userlists) {
    const groups = new Map<string, Set<string>>()
    const section = model.others.find((o) => o.kind === 'userlist' && o.name === name)
    for (const d of section?.directives ?? []) {
      if (d.keyword !== 'group') continue
      const members = groups.get(d.args[0] ?? '') ?? new Set<string>()
      groups.set(d.args[0] ?? '', members)
      const usersAt = d.args.indexOf('users')
      if (usersAt >= 0) for (const u of (d.args[usersAt + 1] ?? '').split(',')) if (u !== '') members.add(u)
    }
    const entries: UserEntry[] = []
    for (const u of users) {
      const password = u.password ?? ''
      if (!u.insecure && !cryptSupported(password)) {
        problems.push(`${u.file}:${u.line}: userlist ${name}: user ${u.name}: only $1$ (MD5), $5$ (SHA-256) and $6$ (SHA-512) crypt hashes can be verified by the bundled engine; use one of them or insecure-password`)
        continue
      }
      const memberOf = new Set(u.groups.filter((g) => g !== ''))
      for (const [group, members] of groups) if (members.has(u.name)) memberOf.add(group)
      entries.push({name: u.name, password, insecure: u.insecure, groups: [...memberOf]})
    }
    out.set(name, new Userlist(name, entries))
  }
  return out
}
