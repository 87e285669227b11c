import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

/** templates/ at the package root: two levels up from both src/init and dist/init. */
export const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url))

export type TemplateName = 'haproxy.cfg.tmpl' | 'keepalived.conf.tmpl' | 'lbctl.yaml.tmpl'

export type TemplateLoader = (name: TemplateName) => string

export const loadTemplate: TemplateLoader = (name) => readFileSync(join(templatesDir, name), 'utf8')
