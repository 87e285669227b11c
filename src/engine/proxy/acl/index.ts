export type {AclHeaders, AclRequest, AuthenticatedUser} from './request.js'
export {compileCondition, type ConditionOptions, type RequestCondition} from './condition.js'
export {compileExpression, splitCriterion, type AclTest, type Compiled} from './expression.js'
