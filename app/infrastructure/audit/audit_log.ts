import type { SqlClient, Transaction } from '#infrastructure/database/direct'
import type { RawBindings } from '#infrastructure/database/bindings'

export type AuditVia = 'dashboard' | 'api' | 'cli'

/* Who acted, and from where: the same for every fact one request records. */
export interface AuditOrigin {
  actor: string
  actorEmail: string | null
  role: string | null
  via: AuditVia
  requestId: string | null
  ip: string | null
}

export type AuditTarget =
  'payout' | 'account' | 'user' | 'token' | 'dead_letter' | 'queue' | 'contradiction'

/* Before and after of each field the action changed (absent: the field did not exist). */
export type AuditChanges = Record<string, { before?: unknown; after?: unknown }>

export interface AuditFact {
  action: string
  targetType: AuditTarget
  targetId: string
  changes?: AuditChanges
}

/* Money is bigint: kept exact as a string in the JSON. */
function jsonOf(changes: AuditChanges) {
  return JSON.stringify(changes, (_key, value) =>
    typeof value === 'bigint' ? value.toString() : value
  )
}

/* The INSERT of one audit fact, as SQL and its bindings. */
function auditInsert(origin: AuditOrigin, fact: AuditFact): [string, RawBindings] {
  return [
    `INSERT INTO audit_log
       (actor, actor_email, role, via, action, target_type, target_id, request_id, ip, changes)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)`,
    [
      origin.actor,
      origin.actorEmail,
      origin.role,
      origin.via,
      fact.action,
      fact.targetType,
      fact.targetId,
      origin.requestId,
      origin.ip,
      jsonOf(fact.changes ?? {}),
    ] as RawBindings,
  ]
}

/*
 * The only writer of audit_log, and only INSERT: the table is append-only
 * (a trigger refuses UPDATE and DELETE). Written inside the transaction of
 * the write it describes, so the fact commits or rolls back with it; nothing
 * reads its result, so it travels with the transaction's next statement or
 * its COMMIT (Transaction.defer) instead of costing a round trip of its own.
 */
export function recordAudit(trx: Transaction, origin: AuditOrigin, fact: AuditFact) {
  trx.defer(...auditInsert(origin, fact))
}

/* The same fact in a Lucid transaction (operator logins are Lucid models), which cannot defer. */
export async function recordAuditNow(trx: SqlClient, origin: AuditOrigin, fact: AuditFact) {
  await trx.rawQuery(...auditInsert(origin, fact))
}

/*
 * How one write is audited: optionally what it reads first (the fields as
 * they were, locked for the transaction), then the fact from its result.
 */
export interface AuditSpec<Result, Before = undefined> {
  before?: (trx: Transaction) => Promise<Before>
  fact: (result: Result, before: Before) => AuditFact | AuditFact[]
}

/* Runs `work` and records its audit fact(s), all in `trx`. */
export async function audited<Result, Before>(
  trx: Transaction,
  origin: AuditOrigin,
  spec: AuditSpec<Result, Before>,
  work: () => Promise<Result>
): Promise<Result> {
  const before = (spec.before ? await spec.before(trx) : undefined) as Before
  const result = await work()
  const facts = spec.fact(result, before)
  for (const fact of Array.isArray(facts) ? facts : [facts]) recordAudit(trx, origin, fact)
  return result
}
