import {type Key, useApp, useInput, useStdout} from 'ink'
import {useCallback, useEffect, useReducer, useRef} from 'react'
import type {LbEvent} from '../../observe/events.js'
import type {AdminClient, AdminResult} from '../../observe/runtime-api.js'
import type {Clock} from '../../observe/source.js'
import {initialTopState, selectedRow, topReducer, type TopAction, type TopState} from '../state/top-state.js'
import {TopScreen} from './top-screen.js'
import {useClockTick, useTopSource, type Subscribe} from './use-top-source.js'

export interface TopAppProps {
  nodes: string[]
  subscribe: Subscribe
  /** The admin client of a node, when its socket allows admin commands. */
  admin: (node: string) => AdminClient | undefined
  /** Asks the source for a poll now (after an admin action). */
  refresh?: () => void
  clock: Clock
  /** Terminal size when stdout cannot tell (tests). */
  size?: {columns: number; rows: number}
  onQuit?: () => void
  /** VRIDs expected on the wire (`--vrid`); others heard by the sniffer are flagged rogue. */
  expectedVrids?: number[]
}

type AdminAction = 'enable' | 'disable' | 'drain' | 'weight'

async function runAdmin(client: AdminClient, action: AdminAction, backend: string, server: string, weight: string): Promise<AdminResult> {
  switch (action) {
    case 'enable':
      return client.readyServer(backend, server)
    case 'disable':
      return client.disableServer(backend, server)
    case 'drain':
      return client.drainServer(backend, server)
    case 'weight':
      return client.setWeight(backend, server, weight)
  }
}

/** The live `lbctl top` screen: state in a reducer, events from the source, keys mapped to actions. */
export function TopApp({nodes, subscribe, admin, refresh, clock, size, onQuit, expectedVrids}: TopAppProps) {
  const {exit} = useApp()
  const {stdout} = useStdout()
  const measured = () => ({columns: size?.columns ?? stdout.columns ?? 80, rows: size?.rows ?? stdout.rows ?? 24})
  const [state, dispatch] = useReducer(topReducer, undefined, (): TopState => initialTopState({nodes, now: clock.now(), ...measured(), ...(expectedVrids ? {expectedVrids} : {})}))
  // Keys read the state as of the previous key, even before React re-renders (several keys in one write).
  const stateRef = useRef(state)
  stateRef.current = state
  const send = useCallback((action: TopAction) => {
    stateRef.current = topReducer(stateRef.current, action)
    dispatch(action)
  }, [])

  const onEvent = useCallback((event: LbEvent) => dispatch({type: 'event', event}), [])
  useTopSource(subscribe, onEvent)
  const onTick = useCallback((now: number) => dispatch({type: 'tick', now}), [])
  useClockTick(clock, 1000, onTick)

  useEffect(() => {
    if (size) return
    const onResize = () => dispatch({type: 'resize', ...measured()})
    stdout.on('resize', onResize)
    return () => {
      stdout.off('resize', onResize)
    }
  }, [stdout, size])

  const act = useCallback(
    (action: AdminAction, weight = '') => {
      const row = selectedRow(stateRef.current)
      if (!row || row.row.type !== 'server') {
        send({type: 'message', level: 'error', text: 'select a server first (frontends and backends have no admin state)'})
        return
      }
      const client = admin(row.node)
      if (!client) {
        send({type: 'message', level: 'error', text: `${row.node}: no admin connection`})
        return
      }
      const target = `${row.row.proxy}/${row.row.name}`
      void runAdmin(client, action, row.row.proxy, row.row.name, weight).then((result) => {
        send(result.ok ? {type: 'message', level: 'info', text: `${row.node}: ${result.command}: done`} : {type: 'message', level: 'error', text: result.message})
        refresh?.()
      })
      send({type: 'message', level: 'info', text: `${row.node}: ${action} ${target}…`})
    },
    [admin, refresh, send],
  )

  const onKey = (input: string, key: Key) => {
    const current = stateRef.current
    if (current.prompt) {
      if (key.escape) send({type: 'prompt-close', submit: false})
      else if (key.return) {
        if (current.prompt.kind === 'weight' && current.prompt.text) act('weight', current.prompt.text)
        send({type: 'prompt-close', submit: true})
      } else if (key.backspace || key.delete) send({type: 'prompt-backspace'})
      else if (input && !key.ctrl && !key.meta) send({type: 'prompt-type', text: input})
      return
    }
    if (input === 'q' || (key.ctrl && input === 'c')) {
      onQuit?.()
      exit()
      return
    }
    if (key.upArrow || input === 'k') send({type: 'move', delta: -1})
    else if (key.downArrow || input === 'j') send({type: 'move', delta: 1})
    else if (key.pageUp) send({type: 'move', delta: -10})
    else if (key.pageDown) send({type: 'move', delta: 10})
    else if (input === 's') send({type: 'sort-next'})
    else if (input === 'S') send({type: 'sort-reverse'})
    else if (input === '/') send({type: 'prompt-open', kind: 'filter'})
    else if (input === 'w') send({type: 'prompt-open', kind: 'weight'})
    else if (input === ' ') send({type: 'toggle-pause'})
    else if (input === '?') send({type: 'toggle-help'})
    else if (input === 'e') act('enable')
    else if (input === 'd') act('disable')
    else if (input === 'D') act('drain')
  }

  // Keys typed fast (or sent by tmux/ssh in one write) arrive as one string: handle them one by one.
  useInput((input, key) => {
    if (input.length > 1 && !key.ctrl && !key.meta && !input.includes('\u001B')) {
      for (const char of input) onKey(char === '\r' ? '' : char, {...key, return: char === '\r'})
    } else onKey(input, key)
  })

  return <TopScreen state={state} />
}
