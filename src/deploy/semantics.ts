/**
 * What deploy needs to know about a config's meaning: its semantic diff against what a host runs, the
 * proxies haproxy must list after a reload, and the secrets that must never be printed.
 */
import {type ConfigChange, diffOutlines, REDACTED} from '../config/diff.js'
import {outlineHaproxy, parseHaproxyFiles} from '../config/haproxy/index.js'
import {type ConfigReader, outlineKeepalived, parseKeepalived} from '../config/keepalived/index.js'
import type {OutlineSection} from '../config/outline.js'
import type {FileKind} from './targets.js'

/** A remote file's includes are not on this machine: they read as nothing rather than as local files. */
const noIncludes: ConfigReader = {
  read: (path) => ({path, text: ''}),
  glob: () => [],
}

/** `local`: includes resolve on this machine; false: they read as nothing; a reader: they resolve through it. */
export function outlineOf(kind: FileKind, path: string, text: string, local: boolean | ConfigReader): OutlineSection[] {
  if (kind === 'haproxy') return outlineHaproxy(parseHaproxyFiles([{path, text}]).model)
  const reader = local === true ? undefined : local === false ? noIncludes : local
  return outlineKeepalived(parseKeepalived({path, text}, reader ? {reader} : {}).model)
}

export interface FileChange extends ConfigChange {
  config: FileKind
}

/**
 * Semantic changes from what the host has (undefined: no file yet) to what deploy would install.
 * With `hostIncludes` (a reader over the host, already loaded with both texts' includes), both sides resolve
 * their includes on the host, as the host will: deploy ships the main file only, so the included files
 * the new one names are the host's. The new file still reads as `localPath` in the changes.
 */
export function diffFile(
  kind: FileKind,
  remotePath: string,
  current: string | undefined,
  localPath: string,
  desired: string,
  desiredIsLocal = true,
  hostIncludes?: ConfigReader,
): FileChange[] {
  const before = current === undefined ? [] : outlineOf(kind, remotePath, current, hostIncludes ?? false)
  const after = hostIncludes ? relabel(outlineOf(kind, remotePath, desired, hostIncludes), remotePath, localPath) : outlineOf(kind, localPath, desired, desiredIsLocal)
  return diffOutlines(before, after).changes.map((c) => ({config: kind, ...c}))
}

function relabel(sections: OutlineSection[], from: string, to: string): OutlineSection[] {
  return sections.map((s) => ({
    ...s,
    file: s.file === from ? to : s.file,
    directives: s.directives.map((d) => (d.file === from ? {...d, file: to} : d)),
    children: relabel(s.children, from, to),
  }))
}

/** Every proxy (frontend, backend, listen) a haproxy config defines: `show stat` must list them after a reload. */
export function expectedProxies(path: string, text: string): string[] {
  return parseHaproxyFiles([{path, text}]).model.proxies.map((p) => p.name)
}

/** The secret words of a config (auth_pass, stats auth passwords, userlist passwords...), with its includes when given a reader. */
export function secretsOf(kind: FileKind, path: string, text: string, includes?: ConfigReader): string[] {
  const out = new Set<string>()
  let sections: OutlineSection[] = []
  try {
    sections = outlineOf(kind, path, text, includes ?? false)
  } catch {
    // an unparsable file still gets the line-pattern masking below
  }
  const walk = (list: OutlineSection[]) => {
    for (const section of list) {
      for (const d of section.directives) {
        for (const i of d.secretArgs ?? []) {
          const word = d.args[i]
          if (!word) continue
          out.add(word)
          // `stats auth user:password`: the password alone shows up in messages too.
          const colon = word.indexOf(':')
          if (colon >= 0 && colon < word.length - 1) out.add(word.slice(colon + 1))
        }
      }
      walk(section.children)
    }
  }
  walk(sections)
  return [...out].filter((s) => s.length >= 3)
}

const SECRET_LINES: RegExp[] = [
  /(\bauth_pass\s+)("[^"]*"|\S+)/g,
  /(\bstats\s+auth\s+[^:\s]+:)(\S+)/g,
  /(\b(?:insecure-)?password\s+)("[^"]*"|\S+)/g,
]

/** Replaces every known secret, and anything written where a secret goes, with <redacted>. */
export function secretMasker(secrets: Iterable<string>): (text: string) => string {
  const words = [...new Set(secrets)].sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    for (const word of words) out = out.split(word).join(REDACTED)
    for (const pattern of SECRET_LINES) out = out.replace(pattern, (_m, lead: string, value: string) => (value === REDACTED ? `${lead}${value}` : `${lead}${REDACTED}`))
    return out
  }
}
