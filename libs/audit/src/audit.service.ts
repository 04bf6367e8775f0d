import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { sql } from 'kysely';
import { DataScope, scopeFilter } from '@cdtg/access';
import { all, hydrate, keysetPageOf, Page, PageRequest } from '@cdtg/database';
import { db } from './db';
import { AuditEvent } from './audit-event.entity';

/** Who performs a write. Accounts (later) fill userId; imports, seeds and jobs act as the system. */
export interface AuditActor {
  userId: string | null;
  label: string;
}

export const SYSTEM_ACTOR: AuditActor = { userId: null, label: 'system' };

export interface AuditEntry {
  operation: string;
  objectType: string;
  objectId: string;
  before?: object | null;
  after?: object | null;
  /** Where the object lives, so the audit log can be read within a scope like everything else. */
  unitId?: string | null;
  groupId?: string | null;
}

export interface AuditFilter {
  objectType?: string | null;
  objectId?: string | null;
  actorId?: string | null;
  /** An operation, or a prefix ending in "." */
  operation?: string | null;
  from?: string | null;
  to?: string | null;
}

/** Records writes in the caller's transaction: the audit row exists exactly when the change does. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Events on objects inside `access` (events without a place are for those who see everything), newest first. */
  async list(access: DataScope, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEvent>> {
    let query = db.selectFrom('audit_event as e').selectAll('e');
    const inScope = scopeFilter(access, { unit: 'e.unit_id', group: 'e.group_id' });
    if (inScope) query = query.where(inScope);
    if (filter.objectType) query = query.where('e.object_type', '=', filter.objectType);
    if (filter.objectId) query = query.where('e.object_id', '=', filter.objectId);
    if (filter.actorId) query = query.where('e.actor_id', '=', filter.actorId);
    if (filter.operation) {
      query = filter.operation.endsWith('.')
        ? query.where(sql<boolean>`starts_with(e.operation, ${filter.operation})`)
        : query.where('e.operation', '=', filter.operation);
    }
    if (filter.from) query = query.where('e.at', '>=', sql<Date>`${filter.from}::timestamptz`);
    if (filter.to) query = query.where('e.at', '<', sql<Date>`${filter.to}::timestamptz`);
    const key = sql<string>`to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    return keysetPageOf(this.dataSource, query, { key, id: 'e.id', idType: 'bigint', descending: true }, page, (r) => {
      const event = hydrate(this.dataSource, AuditEvent, r);
      return { ...event, id: String(event.id) };
    });
  }

  async record(manager: EntityManager, actor: AuditActor, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    const rows = list.map((e) => ({
      actor_id: actor.userId,
      actor_label: actor.label,
      operation: e.operation,
      object_type: e.objectType,
      object_id: e.objectId,
      before: json(e.before),
      after: json(e.after),
      unit_id: e.unitId ?? null,
      group_id: e.groupId ?? null,
    }));
    await all(manager, db.insertInto('audit_event').values(rows));
  }
}

const json = (value: object | null | undefined) => (value ? JSON.stringify(value) : null);
