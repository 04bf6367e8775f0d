import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DataScope, restrictToScope } from '@cdtg/access';
import { hydrate, keysetPage, Page, PageRequest, SqlBuilder } from '@cdtg/database';
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
    const sql = new SqlBuilder();
    restrictToScope(sql, access, { unit: 'e.unit_id', group: 'e.group_id' });
    if (filter.objectType) sql.where.push(`e.object_type = ${sql.param(filter.objectType)}`);
    if (filter.objectId) sql.where.push(`e.object_id = ${sql.param(filter.objectId)}`);
    if (filter.actorId) sql.where.push(`e.actor_id = ${sql.param(filter.actorId)}::uuid`);
    if (filter.operation) {
      sql.where.push(
        filter.operation.endsWith('.') ? `starts_with(e.operation, ${sql.param(filter.operation)})` : `e.operation = ${sql.param(filter.operation)}`,
      );
    }
    if (filter.from) sql.where.push(`e.at >= ${sql.param(filter.from)}::timestamptz`);
    if (filter.to) sql.where.push(`e.at < ${sql.param(filter.to)}::timestamptz`);
    const key = `to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')`;
    return keysetPage(this.dataSource, sql, { select: 'e.*', from: 'audit_event e', key, id: 'e.id', idType: 'bigint', descending: true }, page, (r) => {
      const event = hydrate(this.dataSource, AuditEvent, r);
      return { ...event, id: String(event.id) };
    });
  }

  async record(manager: EntityManager, actor: AuditActor, entries: AuditEntry | AuditEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    const values: unknown[] = [];
    const tuples = list.map((e, i) => {
      values.push(actor.userId, actor.label, e.operation, e.objectType, e.objectId, json(e.before), json(e.after), e.unitId ?? null, e.groupId ?? null);
      const b = i * 9;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}::jsonb, $${b + 7}::jsonb, $${b + 8}::uuid, $${b + 9}::uuid)`;
    });
    await manager.query(
      `INSERT INTO audit_event (actor_id, actor_label, operation, object_type, object_id, before, after, unit_id, group_id) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

const json = (value: object | null | undefined) => (value ? JSON.stringify(value) : null);
