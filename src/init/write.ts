import {mkdirSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {UserError} from '../errors.js'
import type {ScaffoldFile} from './scaffold.js'

/** The file-system calls init makes; tests may pass a fake. */
export interface ScaffoldFs {
  /** 'file', 'directory', 'other', or undefined when nothing is there. */
  kind(path: string): 'file' | 'directory' | 'other' | undefined
  mkdirp(path: string): void
  writeFile(path: string, content: string, mode: number): void
}

export const nodeFs: ScaffoldFs = {
  kind(path) {
    try {
      const stat = statSync(path)
      return stat.isFile() ? 'file' : stat.isDirectory() ? 'directory' : 'other'
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw error
    }
  },
  mkdirp(path) {
    mkdirSync(path, {recursive: true})
  },
  writeFile(path, content, mode) {
    writeFileSync(path, content, {mode})
  },
}

export interface WriteResult {
  /** Paths written (DIR/name), in scaffold order. */
  written: string[]
  /** The subset that existed before (only with force). */
  overwritten: string[]
}

/**
 * Writes the scaffold into dir (created when missing). Every target is checked before anything is
 * written: without force, one existing file means nothing is written at all.
 */
export function writeScaffold(dir: string, files: ScaffoldFile[], options: {force: boolean; fs?: ScaffoldFs}): WriteResult {
  const fs = options.fs ?? nodeFs
  const dirKind = guard(() => fs.kind(dir), dir)
  if (dirKind !== undefined && dirKind !== 'directory') {
    throw new UserError('init/not-a-directory', `${dir} exists and is not a directory`, {hint: 'pick another target directory: lbctl init DIR'})
  }
  const targets = files.map((file) => ({file, path: join(dir, file.name)}))
  const existing = dirKind === undefined ? [] : targets.filter((t) => guard(() => fs.kind(t.path), t.path) !== undefined)
  const blocking = existing.filter((t) => fs.kind(t.path) !== 'file')
  if (blocking.length > 0) {
    throw new UserError('init/target-not-a-file', `${blocking.map((t) => t.path).join(', ')} exists and is not a regular file`, {
      hint: 'remove it or pick another target directory',
    })
  }
  if (existing.length > 0 && !options.force) throw existsError(existing.map((t) => t.path))
  guard(() => fs.mkdirp(dir), dir)
  for (const target of targets) guard(() => fs.writeFile(target.path, target.file.content, target.file.mode), target.path)
  return {written: targets.map((t) => t.path), overwritten: existing.map((t) => t.path)}
}

/**
 * Before asking any question: refuses early when the files every scaffold writes are already there,
 * so nobody answers the prompts only to be told at the end. writeScaffold checks every file again.
 */
export function refuseExistingScaffold(dir: string, options: {force: boolean; fs?: ScaffoldFs}): void {
  if (options.force) return
  const fs = options.fs ?? nodeFs
  const existing = ALWAYS_WRITTEN.map((name) => join(dir, name)).filter((path) => guard(() => fs.kind(path), path) !== undefined)
  if (existing.length > 0) throw existsError(existing)
}

const ALWAYS_WRITTEN = ['haproxy.cfg', 'lbctl.yaml']

function existsError(paths: string[]): UserError {
  return new UserError('init/exists', `would overwrite ${paths.join(', ')}: nothing was written`, {
    hint: 'pass --force to overwrite them, or pick another directory: lbctl init DIR',
  })
}

/** File-system failures (permissions, read-only disk) are the user's to fix: say which path and why. */
function guard<T>(action: () => T, path: string): T {
  try {
    return action()
  } catch (error) {
    if (error instanceof UserError) throw error
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error'
    const reason =
      code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EROFS' ? 'read-only file system' : code === 'ENOTDIR' ? 'a parent is not a directory' : code === 'ENOSPC' ? 'no space left on device' : code
    throw new UserError('init/write-failed', `cannot write ${path}: ${reason}`, {hint: 'pick a directory you can write to: lbctl init DIR'})
  }
}
