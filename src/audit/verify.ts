import { asc, gt } from 'drizzle-orm';
import type { Db } from '../db/connection.js';
import { auditEntry } from '../db/schema.js';
import { inputInvalid } from '../errors/index.js';
import { auditEntryHash, GENESIS_HASH } from './chain.js';
import { auditDatabaseFailure } from './failures.js';

/**
 * Checks the whole chain from entry 1, in batches of `seq` order so memory stays flat however
 * long the log is. What it cannot see: the newest entries removed or the whole tail rewritten
 * with fresh hashes; for that the head it reports must be compared with one kept elsewhere.
 */

export type AuditChainBreak =
  /** An entry is missing: `firstBrokenSeq` is the first absent position. */
  | 'seqGap'
  /** The entry does not carry the hash of the one before: one of the two was changed or forged. */
  | 'prevHashMismatch'
  /** The entry's content no longer gives its hash: it was changed after it was written. */
  | 'hashMismatch';

export type AuditChainReport =
  | {
      readonly ok: true;
      readonly entries: number;
      /** The last entry, to compare with a copy kept outside the database; null for an empty log. */
      readonly head: { readonly seq: number; readonly hash: string } | null;
    }
  | {
      readonly ok: false;
      /** Entries checked and found sound, before the break. */
      readonly entries: number;
      readonly firstBrokenSeq: number;
      readonly reason: AuditChainBreak;
      /** One line for people, naming positions and never the content. */
      readonly message: string;
    };

export interface VerifyOptions {
  /** Entries read per query; default 1,000. */
  readonly batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 1_000;
const MAX_BATCH_SIZE = 10_000;

/** Reads every entry once, recomputing each hash; stops at the first broken link. */
export async function verifyAuditChain(db: Db, options: VerifyOptions = {}): Promise<AuditChainReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw inputInvalid('batchSize', `must be a whole number from 1 to ${MAX_BATCH_SIZE}`);
  }

  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    let batch: (typeof auditEntry.$inferSelect)[];
    try {
      batch = await db
        .select()
        .from(auditEntry)
        .where(gt(auditEntry.seq, expectedSeq - 1))
        .orderBy(asc(auditEntry.seq))
        .limit(batchSize);
    } catch (error) {
      throw auditDatabaseFailure(error, 'the audit log could not be read');
    }

    for (const row of batch) {
      const broken = (reason: AuditChainBreak, seq: number, message: string): AuditChainReport => ({
        ok: false,
        entries: checked,
        firstBrokenSeq: seq,
        reason,
        message,
      });
      if (row.seq !== expectedSeq) {
        return broken('seqGap', expectedSeq, `entry ${expectedSeq} is missing: the next entry stored is ${row.seq}`);
      }
      if (row.prevHash !== prevHash) {
        return broken(
          'prevHashMismatch',
          row.seq,
          row.seq === 1
            ? 'entry 1 does not start from the genesis hash'
            : `entry ${row.seq} does not carry the hash of entry ${row.seq - 1}: one of them was changed or forged`,
        );
      }
      if (auditEntryHash(row) !== row.hash) {
        return broken('hashMismatch', row.seq, `entry ${row.seq} was changed after it was written: its content does not give its hash`);
      }
      prevHash = row.hash;
      expectedSeq = row.seq + 1;
      checked++;
    }

    if (batch.length < batchSize) {
      return { ok: true, entries: checked, head: checked === 0 ? null : { seq: expectedSeq - 1, hash: prevHash } };
    }
  }
}
