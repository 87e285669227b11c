/** The files a deploy would install, per host: local files read once, node templates rendered per host. */
import {readSourceFile} from '../config/source.js'
import {UserError} from '../errors.js'
import {renderTemplate, type TemplateContext, TemplateError} from '../init/template.js'
import type {DeployTarget, ManagedFile} from './targets.js'

export interface LocalFiles {
  /** What `file` should contain on `target`; undefined only when reading was tolerant and the file is unreadable. */
  contentOf(target: DeployTarget, file: ManagedFile): string | undefined
}

/** Reads every local file (a UserError for the first unreadable one unless `tolerant`) and renders templates. */
export function readLocalFiles(targets: DeployTarget[], options: {tolerant?: boolean} = {}): LocalFiles {
  const texts = new Map<string, string | undefined>()
  for (const path of new Set(targets.flatMap((t) => t.files.map((f) => f.localPath)))) {
    try {
      texts.set(path, readSourceFile(path).text)
    } catch (error) {
      if (!options.tolerant || !(error instanceof UserError)) throw error
      texts.set(path, undefined)
    }
  }
  const rendered = new Map<string, string | undefined>()
  for (const target of targets) {
    for (const file of target.files) {
      if (!file.template) continue
      const text = texts.get(file.localPath)
      rendered.set(`${target.name}\0${file.localPath}`, text === undefined ? undefined : renderNodeTemplate(file.localPath, text, file.template))
    }
  }
  return {contentOf: (target, file) => (file.template ? rendered.get(`${target.name}\0${file.localPath}`) : texts.get(file.localPath))}
}

function renderNodeTemplate(path: string, text: string, context: TemplateContext): string {
  try {
    return renderTemplate(path, text, context)
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error
    throw new UserError('deploy/template', error.message, {hint: `a node template can use: ${Object.keys(context).join(', ')}`})
  }
}
