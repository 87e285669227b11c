import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {
  keepalivedAccepted,
  parseHaproxyOutput,
  parseKeepalivedOutput,
  runHaproxyOracle,
  runKeepalivedOracle,
} from '../../src/config/oracle.js'
import {requireBinary} from '../helpers/oracles.js'

describe('parseHaproxyOutput', () => {
  const cases: {name: string; output: string; expected: ReturnType<typeof parseHaproxyOutput>}[] = [
    {
      name: 'parsing [file:line] : message',
      output: "[ALERT]    (1234) : config : parsing [t.cfg:5] : unknown keyword 'bogus' in 'global' section\n",
      expected: [{severity: 'error', file: 't.cfg', line: 5, text: "unknown keyword 'bogus' in 'global' section"}],
    },
    {
      name: 'Parsing [file:line]: (capital, no space) with a back-reference',
      output: "[ALERT]    (9) : config : Parsing [d.cfg:12]: backend 'b' has the same name as backend 'b' declared at d.cfg:9.\n",
      expected: [{severity: 'error', file: 'd.cfg', line: 12, text: "backend 'b' has the same name as backend 'b' declared at d.cfg:9."}],
    },
    {
      name: 'bare [file:line] of server keywords',
      output: "[ALERT]    (9) : config : [e.cfg:6] : 'server b/s' : weight of server s is not within 0 and 256 (999)..\n",
      expected: [{severity: 'error', file: 'e.cfg', line: 6, text: "'server b/s' : weight of server s is not within 0 and 256 (999).."}],
    },
    {
      name: 'the position said twice',
      output: "[ALERT]    (9) : config : [f.cfg:10] : parsing [f.cfg:10] : 'server' not allowed because frontend 'web' has no backend capability.\n",
      expected: [{severity: 'error', file: 'f.cfg', line: 10, text: "'server' not allowed because frontend 'web' has no backend capability."}],
    },
    {
      name: 'a message without position (post-parse check)',
      output: "[ALERT]    (9) : config : Proxy 'web': unable to find required default_backend: 'ap'.\n",
      expected: [{severity: 'error', text: "Proxy 'web': unable to find required default_backend: 'ap'."}],
    },
    {
      name: 'a back-reference in parentheses',
      output:
        "[ALERT]    (9) : config : http frontend 'web' (h.cfg:9) tries to use incompatible tcp backend 'b' (h.cfg:27) in a 'use_backend' rule (see 'mode').\n",
      expected: [
        {
          severity: 'error',
          file: 'h.cfg',
          line: 9,
          text: "http frontend 'web' (h.cfg:9) tries to use incompatible tcp backend 'b' (h.cfg:27) in a 'use_backend' rule (see 'mode').",
        },
      ],
    },
    {
      name: 'a warning with continuation lines',
      output: [
        '[NOTICE]   (5367) : haproxy version is 2.6.12-1+deb12u4',
        "[WARNING]  (5367) : config : missing timeouts for backend 'be'.",
        '   | While not properly invalid, you will certainly encounter various problems',
        "   | with such a configuration.",
        'Warnings were found.',
        'Configuration file is valid',
        '',
      ].join('\n'),
      expected: [
        {
          severity: 'warning',
          text: "missing timeouts for backend 'be'. While not properly invalid, you will certainly encounter various problems with such a configuration.",
        },
      ],
    },
    {
      name: 'summaries are dropped when a real error explains the failure',
      output: [
        "[ALERT]    (1) : config : parsing [b.cfg:2] : unknown keyword 'bogus' in 'global' section",
        '[ALERT]    (1) : config : Error(s) found in configuration file : b.cfg',
        '[ALERT]    (1) : config : Fatal errors found in configuration.',
      ].join('\n'),
      expected: [{severity: 'error', file: 'b.cfg', line: 2, text: "unknown keyword 'bogus' in 'global' section"}],
    },
    {
      name: 'summaries are kept when nothing else explains the failure',
      output: '[ALERT]    (1) : config : Fatal errors found in configuration.\n',
      expected: [{severity: 'error', text: 'Fatal errors found in configuration.'}],
    },
    {
      name: 'CRLF output',
      output: "[WARNING]  (1) : config : parsing [c.cfg:3] : a warning\r\n",
      expected: [{severity: 'warning', file: 'c.cfg', line: 3, text: 'a warning'}],
    },
  ]
  for (const c of cases) {
    it(c.name, () => {
      expect(parseHaproxyOutput(c.output)).toEqual(c.expected)
    })
  }
})

describe('parseKeepalivedOutput', () => {
  it('reads (FILE: Line N), (Line N) and bare messages, once each', () => {
    const output = [
      "(Line 10) Extra '}' found",
      "(k.conf: Line 10) Extra '}' found",
      "(k.conf: Line 9) Unknown keyword 'bogus'",
      "(k.conf: Line 9) Unknown keyword 'bogus'",
      'Non-existent interface specified in configuration',
      '',
    ].join('\n')
    expect(parseKeepalivedOutput(output, 5, 'k.conf')).toEqual([
      {severity: 'error', file: 'k.conf', line: 10, text: "Extra '}' found"},
      {severity: 'error', file: 'k.conf', line: 9, text: "Unknown keyword 'bogus'"},
      {severity: 'error', text: 'Non-existent interface specified in configuration'},
    ])
  })

  it('names included files from the including file directory', () => {
    expect(parseKeepalivedOutput("(sub/a.conf: Line 1) Unknown keyword 'x'\n", 5, 'conf/main.conf')).toEqual([
      {severity: 'error', file: 'conf/sub/a.conf', line: 1, text: "Unknown keyword 'x'"},
    ])
  })

  it('script security alone is a warning; with other complaints they stay errors', () => {
    const security = 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.'
    const alone = parseKeepalivedOutput(`${security}\n`, 6, 'k.conf')
    expect(alone).toEqual([{severity: 'warning', text: security}])
    expect(keepalivedAccepted(6, alone)).toBe(true)
    const mixed = parseKeepalivedOutput(`(k.conf: Line 8) number '300' outside range [1, 255]\n${security}\n`, 6, 'k.conf')
    expect(mixed.map((m) => m.severity)).toEqual(['error', 'warning'])
    expect(keepalivedAccepted(6, mixed)).toBe(false)
  })

  it('lines printed with a clean exit are warnings, except a missing main file', () => {
    expect(parseKeepalivedOutput("(Line 2) Config files missing 'inc.conf'.\n", 0, 'k.conf')).toEqual([
      {severity: 'warning', file: 'k.conf', line: 2, text: "Config files missing 'inc.conf'."},
    ])
    const missing = parseKeepalivedOutput("Config files missing '/no/such.conf'.\n", 0, '/no/such.conf')
    expect(missing).toEqual([{severity: 'error', text: "Config files missing '/no/such.conf'."}])
    expect(keepalivedAccepted(0, missing)).toBe(false)
  })

  it('any other failing exit code rejects', () => {
    expect(keepalivedAccepted(4, [])).toBe(false)
    expect(keepalivedAccepted(5, [])).toBe(false)
    expect(keepalivedAccepted(0, [])).toBe(true)
  })
})

const scratch = mkdtempSync(join(tmpdir(), 'lbctl-oracle-'))
afterAll(() => rmSync(scratch, {recursive: true, force: true}))

function write(name: string, text: string): string {
  const path = join(scratch, name)
  writeFileSync(path, text)
  return path
}

const timeouts = 'defaults\n    mode http\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n'

describe.skipIf(!requireBinary('haproxy'))('runHaproxyOracle (live haproxy -c)', () => {
  it('accepts a valid config (exit 0)', async () => {
    const path = write('ok.cfg', `${timeouts}listen web\n    bind 127.0.0.1:18901\n    server a 198.18.0.1:80\n`)
    const result = await runHaproxyOracle([path])
    expect(result).toMatchObject({tool: 'haproxy', available: true, ok: true, exitCode: 0, diagnostics: []})
  })

  it('accepts a config without listener (exit 2) and keeps its warnings', async () => {
    const path = write('nolistener.cfg', 'backend b\n    server a 198.18.0.1:80\n')
    const result = await runHaproxyOracle([path])
    expect(result.ok).toBe(true)
    expect(result.exitCode).toBe(2)
    expect(result.diagnostics.every((d) => d.severity === 'warning' && d.source === 'haproxy')).toBe(true)
  })

  it('rejects with positioned errors, keeping a relative file name as given', async () => {
    const path = write('bad.cfg', `global\n    maxconns 10\n${timeouts}listen web\n    bind 127.0.0.1:18902\n    server a 198.18.0.1:80\n`)
    const rel = relative(process.cwd(), path)
    const result = await runHaproxyOracle([rel])
    expect(result.ok).toBe(false)
    expect(result.exitCode).toBe(1)
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: 'haproxy/oracle',
        severity: 'error',
        file: rel,
        line: 2,
        column: 1,
        source: 'haproxy',
        message: expect.stringContaining("unknown keyword 'maxconns'"),
      }),
    ])
  })

  it('checks several files as one configuration, naming each', async () => {
    const a = write('a.cfg', timeouts)
    const b = write('b.cfg', 'frontend f\n    bind 127.0.0.1:18903\n    bogus\n')
    const result = await runHaproxyOracle([a, b])
    expect(result.ok).toBe(false)
    expect(result.diagnostics[0]).toMatchObject({file: b, line: 3})
  })
})

describe.skipIf(!requireBinary('keepalived'))('runKeepalivedOracle (live keepalived -t)', () => {
  it('accepts an LVS-only config', async () => {
    const path = write('lvs.conf', 'virtual_server 198.18.0.1 80 {\n    lb_algo rr\n    lb_kind NAT\n    protocol TCP\n    real_server 198.18.0.2 80 {\n    }\n}\n')
    const result = await runKeepalivedOracle(path)
    expect(result).toMatchObject({tool: 'keepalived', available: true, ok: true, exitCode: 0, diagnostics: []})
  })

  it('rejects unknown keywords with their line (exit 5), file name as given', async () => {
    const path = write('bad.conf', 'global_defs {\n    router_id x\n    bogus_keyword 1\n}\n')
    const rel = relative(process.cwd(), path)
    const result = await runKeepalivedOracle(rel)
    expect(result.ok).toBe(false)
    expect(result.exitCode).toBe(5)
    expect(result.diagnostics).toEqual([
      expect.objectContaining({code: 'keepalived/oracle', severity: 'error', file: rel, line: 3, source: 'keepalived'}),
    ])
  })

  it('reports a missing file as an error although keepalived exits 0', async () => {
    const result = await runKeepalivedOracle(join(scratch, 'absent.conf'))
    expect(result.ok).toBe(false)
    expect(result.diagnostics[0]?.severity).toBe('error')
  })
})

describe('missing binaries', () => {
  it('are reported as unavailable, not as failures', async () => {
    const saved = process.env.PATH
    process.env.PATH = scratch
    try {
      expect(await runHaproxyOracle(['x.cfg'])).toMatchObject({available: false, ok: true, diagnostics: []})
      expect(await runKeepalivedOracle('x.conf')).toMatchObject({available: false, ok: true, diagnostics: []})
    } finally {
      process.env.PATH = saved
    }
  })
})
