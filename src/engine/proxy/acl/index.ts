export type {AclHeaders, AclRequest} from './request.js'
export {compileCondition, type ConditionOptions, type RequestCondition} from './condition.js'
export {compileExpression, type AclTest} from './expression.js'
