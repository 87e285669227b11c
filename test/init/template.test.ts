import {describe, expect, it} from 'vitest'
import {renderTemplate, TemplateError} from '../../src/init/template.js'

describe('renderTemplate', () => {
  it('fills placeholders with strings and numbers', () => {
    expect(renderTemplate('t', 'bind {{vip}}:{{port}}\n', {vip: '10.0.0.1', port: 80})).toBe('bind 10.0.0.1:80\n')
  })

  it('renders a section once when true, not when false; inverted sections the other way', () => {
    const text = 'a\n{{#http}}\n    option httplog\n{{/http}}\n{{^http}}\n    option tcplog\n{{/http}}\nb\n'
    expect(renderTemplate('t', text, {http: true})).toBe('a\n    option httplog\nb\n')
    expect(renderTemplate('t', text, {http: false})).toBe('a\n    option tcplog\nb\n')
  })

  it('repeats a section per array item, with the item fields and the outer ones visible', () => {
    const text = '{{#servers}}\n    server {{name}} {{address}} {{opts}}\n{{/servers}}\n'
    const out = renderTemplate('t', text, {opts: 'check', servers: [{name: 'a', address: '1:1'}, {name: 'b', address: '2:2'}]})
    expect(out).toBe('    server a 1:1 check\n    server b 2:2 check\n')
    expect(renderTemplate('t', text, {opts: 'check', servers: []})).toBe('')
  })

  it('keeps inline sections inline', () => {
    expect(renderTemplate('t', 'x{{#on}} y{{/on}}z', {on: true})).toBe('x yz')
  })

  it.each([
    ['{{missing}}', {}, 'has no text value (missing)'],
    ['{{#missing}}x{{/missing}}', {}, 'names nothing'],
    ['{{flag}}', {flag: true}, 'has no text value (boolean)'],
    ['{{#a}}x', {a: true}, 'never closed'],
    ['x{{/a}}', {a: true}, 'closes nothing'],
    ['{{#a}}{{#b}}{{/a}}{{/b}}', {a: true, b: true}, 'closes nothing'],
  ])('%j is an error, not an empty string', (text, context, message) => {
    expect(() => renderTemplate('t', text, context)).toThrow(TemplateError)
    expect(() => renderTemplate('t', text, context)).toThrow(message)
  })
})
