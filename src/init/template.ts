/**
 * A tiny placeholder renderer for the files in templates/ (a small subset of mustache):
 *   {{name}}               the value (string or number)
 *   {{#name}}...{{/name}}  rendered once when name is true, once per item when it is an array of objects
 *                          (the item's fields are visible inside), skipped when false or empty
 *   {{^name}}...{{/name}}  rendered when name is false or an empty array
 * Every name must be in the context (a typo is an error, not an empty string or a skipped block).
 * A section tag alone on its line takes the whole line with it, so templates stay readable.
 * Values are inserted verbatim: callers validate them for the target format.
 */
export type TemplateValue = string | number | boolean | TemplateContext[]
export interface TemplateContext {
  [name: string]: TemplateValue | undefined
}

type Node =
  | {kind: 'text'; text: string}
  | {kind: 'value'; name: string}
  | {kind: 'section'; name: string; inverted: boolean; children: Node[]}

export class TemplateError extends Error {
  constructor(template: string, message: string) {
    super(`template ${template}: ${message}`)
    this.name = 'TemplateError'
  }
}

const standaloneTag = /^[ \t]*(\{\{[#^/][\w.-]+\}\})[ \t]*\r?\n/gm
const tag = /\{\{([#^/]?)\s*([\w.-]+)\s*\}\}/g

export function renderTemplate(name: string, text: string, context: TemplateContext): string {
  return renderNodes(name, parse(name, text.replace(standaloneTag, '$1')), [context])
}

function parse(template: string, text: string): Node[] {
  const root: Node[] = []
  const stack: {name: string; children: Node[]}[] = [{name: '', children: root}]
  let last = 0
  for (const match of text.matchAll(tag)) {
    const top = stack[stack.length - 1]!
    if (match.index > last) top.children.push({kind: 'text', text: text.slice(last, match.index)})
    last = match.index + match[0].length
    const sigil = match[1]
    const name = match[2]!
    if (sigil === '') {
      top.children.push({kind: 'value', name})
    } else if (sigil === '/') {
      if (stack.length === 1 || top.name !== name) throw new TemplateError(template, `{{/${name}}} closes nothing open (open: ${top.name || 'none'})`)
      stack.pop()
    } else {
      const section: Node = {kind: 'section', name, inverted: sigil === '^', children: []}
      top.children.push(section)
      stack.push({name, children: section.children})
    }
  }
  if (stack.length > 1) throw new TemplateError(template, `{{#${stack[stack.length - 1]!.name}}} is never closed`)
  if (last < text.length) root.push({kind: 'text', text: text.slice(last)})
  return root
}

function renderNodes(template: string, nodes: Node[], scopes: TemplateContext[]): string {
  let out = ''
  for (const node of nodes) {
    if (node.kind === 'text') {
      out += node.text
      continue
    }
    const value = lookup(scopes, node.name)
    if (node.kind === 'value') {
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new TemplateError(template, `{{${node.name}}} has no text value (${value === undefined ? 'missing' : typeof value})`)
      }
      out += String(value)
      continue
    }
    if (value === undefined) throw new TemplateError(template, `section {{${node.inverted ? '^' : '#'}${node.name}}} names nothing in the context`)
    const items = Array.isArray(value) ? value : []
    const truthy = Array.isArray(value) ? items.length > 0 : Boolean(value)
    if (node.inverted) {
      if (!truthy) out += renderNodes(template, node.children, scopes)
    } else if (Array.isArray(value)) {
      for (const item of items) out += renderNodes(template, node.children, [...scopes, item])
    } else if (truthy) {
      out += renderNodes(template, node.children, scopes)
    }
  }
  return out
}

function lookup(scopes: TemplateContext[], name: string): TemplateValue | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i]!
    if (Object.hasOwn(scope, name)) return scope[name]
  }
  return undefined
}
