export {RequestContext, ResponseView, type ConnectionFacts} from './context.js'
export {runRules, type HttpRule, type RuleOutcome} from './http-rules.js'
export {planProxyRules, planRulesShared, rulesIdle, type HeaderCapture, type ProxyRules, type RulesShared} from './plan.js'
export {errorReply, renderReply, type LocalReply} from './reply.js'
