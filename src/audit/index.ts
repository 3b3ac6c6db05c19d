/**
 * The audit log: append-only, hash-chained, written before anything it describes is shown.
 * See log.ts for writing, verify.ts for checking the chain, access-log.ts for the resident's view.
 */
export { AUDIT_ACTOR_ROLES, AUDIT_KINDS, type AuditActorRole, type AuditKind } from '../db/schema.js';
export { AUDIT_HASH_FORMAT, GENESIS_HASH, auditEntryHash, canonicalJson, type ChainedFields } from './chain.js';
export {
  READ_KINDS,
  RESIDENT_ID,
  appendAudit,
  withAudit,
  type AuditActor,
  type AuditEntryInput,
  type AuditRecord,
  type AuditSource,
  type RecordReadDetails,
} from './log.js';
export { verifyAuditChain, type AuditChainBreak, type AuditChainReport, type VerifyOptions } from './verify.js';
export {
  ACCESS_LOG_MAX_LIMIT,
  readAccessLog,
  type AccessLogEntry,
  type AccessLogOptions,
  type AccessLogPage,
  type AccessLogSource,
} from './access-log.js';
