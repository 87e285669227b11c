export type {ProxySocket} from './types.js'
