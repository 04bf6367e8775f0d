import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DataScope } from '@cdtg/access';
import { AuditActor, AuditService } from '@cdtg/audit';
import { DomainError, Reason } from '@cdtg/errors';
import { ChangeFeed } from '@cdtg/queue';
import { assertNoPersonalNumbers, tidyName } from '@cdtg/text';
import { formatVietnamTime } from '@cdtg/time';
import { EntryStatus, MAX_BATCH } from './assist.enums';
import { AssistEntry } from './assist-entry.entity';
import { AssistRepository } from './assist.repository';
import { EntryContextLoader } from './entry-context.loader';
import { checkEntry, EntryInput } from './entry-rules';
import { HouseholdKeyring } from './household-keyring.service';

/** A correction: the fields to change and why. Absent (or null) fields stay; a null note or session clears it. */
export type EntryAmendment = { [K in Exclude<keyof EntryInput, 'clientId'>]?: EntryInput[K] | null } & { reason: string };

/** What the audit log keeps of an entry (no clear household identifier exists to keep). */
const snapshot = (e: AssistEntry) => ({
  householdId: e.householdId,
  unitId: e.unitId,
  services: e.services,
  volunteerIds: e.volunteerIds,
  sessionId: e.sessionId,
  occurredAt: formatVietnamTime(e.occurredAt),
  note: e.note,
  status: e.status,
  voidReason: e.voidReason,
  verified: !!e.verifiedAt,
  version: e.version,
});

/**
 * Corrections of the assistance log: amend (a new version; verification must be given again), void with a reason
 * (the entry stays for the record and stops counting), and verification by ward officers. Every change is audited
 * with the entry before and after, and tells the rollups which households and volunteers to recount.
 */
@Injectable()
export class AssistCorrectionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AssistRepository,
    private readonly contexts: EntryContextLoader,
    private readonly keyring: HouseholdKeyring,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
  ) {}

  async amend(actor: AuditActor, id: string, patch: EntryAmendment): Promise<AssistEntry> {
    const reason = this.reason(patch.reason, 'input.reason');
    return this.dataSource.transaction(async (manager) => {
      const entry = await this.entry(manager, id);
      if (entry.status === EntryStatus.Voided) throw DomainError.conflict(Reason.EntryVoided, {}, 'id');
      const before = snapshot(entry);
      const merged: EntryInput = {
        clientId: entry.clientId,
        household: patch.household ?? undefined,
        unitId: patch.unitId ?? entry.unitId,
        services: patch.services ?? entry.services,
        volunteerIds: patch.volunteerIds ?? entry.volunteerIds,
        sessionId: patch.sessionId === undefined ? entry.sessionId : patch.sessionId,
        occurredAt: patch.occurredAt ?? entry.occurredAt.toISOString(),
        note: patch.note === undefined ? entry.note : patch.note,
      };
      const context = await this.contexts.load(manager, entry.groupId, [merged]);
      // What the correction does not change is not judged again (a session cancelled since, a note written before the rules).
      const checked = checkEntry(merged, context, ['input'], { householdKnown: true, keptSessionId: entry.sessionId, keptNote: entry.note });
      if ('problems' in checked) throw DomainError.invalidFields(checked.problems);
      const d = checked.draft;
      if (!d.household && d.unit.id !== entry.unitId && !(await this.keyring.samePlace(manager, entry.householdId, d.unit.id))) {
        // Its key holds its place: a household said to live elsewhere must be given again to be keyed there.
        throw DomainError.invalid('input.household', Reason.HouseholdAgain);
      }
      const householdId = d.household ? (await this.keyring.resolve(manager, [{ identity: d.household, unit: d.unit }]))[0] : entry.householdId;
      Object.assign(entry, {
        householdId,
        unitId: d.unit.id,
        services: d.services,
        volunteerIds: d.volunteerIds,
        sessionId: d.sessionId,
        occurredAt: d.occurredAt,
        occurredOn: d.occurredOn,
        note: d.note,
        verifiedAt: null,
        verifiedBy: null,
        version: entry.version + 1,
      });
      await manager.getRepository(AssistEntry).save(entry);
      await this.audit.record(manager, actor, {
        operation: 'assist.amend',
        objectType: 'assist_entry',
        objectId: id,
        before: { ...before, reason: null },
        after: { ...snapshot(entry), reason },
        unitId: entry.unitId,
        groupId: entry.groupId,
      });
      await this.changes.emit(manager, { households: [before.householdId, householdId], members: [...before.volunteerIds, ...entry.volunteerIds] });
      return entry;
    });
  }

  /** Voids an entry (idempotent): kept for the record with its reason, no longer counted. */
  async void(actor: AuditActor, id: string, reasonText: string): Promise<AssistEntry> {
    const reason = this.reason(reasonText, 'reason');
    return this.dataSource.transaction(async (manager) => {
      const entry = await this.entry(manager, id);
      if (entry.status === EntryStatus.Voided) return entry;
      const before = snapshot(entry);
      Object.assign(entry, { status: EntryStatus.Voided, voidReason: reason, version: entry.version + 1 });
      await manager.getRepository(AssistEntry).save(entry);
      await this.audit.record(manager, actor, {
        operation: 'assist.void',
        objectType: 'assist_entry',
        objectId: id,
        before,
        after: { ...snapshot(entry), reason },
        unitId: entry.unitId,
        groupId: entry.groupId,
      });
      await this.changes.emit(manager, { households: [entry.householdId], members: entry.volunteerIds });
      return entry;
    });
  }

  /**
   * Verifies (or un-verifies) valid entries inside the officer's scope; ids outside it, voided or already in the
   * wanted state are left as they are. Returns the entries after the change.
   */
  async verify(actor: AuditActor, access: DataScope, ids: string[], verified: boolean): Promise<AssistEntry[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) throw DomainError.invalid('ids', Reason.TooFew, { min: 1 });
    if (unique.length > MAX_BATCH) throw DomainError.invalid('ids', Reason.TooMany, { max: MAX_BATCH });
    await this.dataSource.transaction(async (manager) => {
      const changed = await this.repository.setVerified(manager, access, unique, actor.userId, verified);
      if (!changed.length) return;
      const operation = verified ? 'assist.verify' : 'assist.unverify';
      await this.audit.record(
        manager,
        actor,
        changed.map((c) => ({ operation, objectType: 'assist_entry', objectId: c.id, after: { verified }, unitId: c.unit_id, groupId: c.group_id })),
      );
      await this.changes.emit(manager, { households: changed.map((c) => c.household_id) });
    });
    // Only what the actor may see, whatever the access rule let through.
    return this.repository.entriesInScope(access, unique);
  }

  private async entry(manager: EntityManager, id: string): Promise<AssistEntry> {
    const entry = await this.repository.lockedEntry(manager, id);
    if (!entry) throw DomainError.notFound('Assistance entry');
    return entry;
  }

  /** Why an entry is corrected or voided: kept in its history, so no citizen's ID or phone number. */
  private reason(text: string | null | undefined, field: string): string {
    const reason = tidyName(text ?? '');
    if (reason.length < 3 || reason.length > 500) throw DomainError.invalid(field, Reason.ReasonNeeded, { min: 3, max: 500 });
    assertNoPersonalNumbers(field, reason);
    return reason;
  }
}
