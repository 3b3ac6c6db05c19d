export * from './policy.js';
export { evaluate, type Decision, type Constraint, type ReasonCode, type Effect, type Text } from './engine.js';
export { DEFAULT_POLICIES, defaultPolicy } from './defaults.js';
