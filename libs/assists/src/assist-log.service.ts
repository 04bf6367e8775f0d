import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditActor, AuditService } from '@cdtg/audit';
import { DomainError, FieldProblem, problem, Reason } from '@cdtg/errors';
import { ChangeFeed } from '@cdtg/queue';
import { MAX_BATCH } from './assist.enums';
import { AssistRepository } from './assist.repository';
import { EntryContextLoader } from './entry-context.loader';
import { checkEntry, EntryDraft, EntryInput } from './entry-rules';
import { HouseholdKeyring } from './household-keyring.service';

export enum EntryOutcome {
  Created = 'created',
  /** The client id was stored before (a re-sent entry): nothing changed. */
  AlreadyStored = 'already_stored',
  Rejected = 'rejected',
}

/** What happened to one entry of a batch. */
export interface EntryResult {
  clientId: string;
  outcome: EntryOutcome;
  entryId: string | null;
  problems: FieldProblem[];
}

export interface BatchResult {
  entries: EntryResult[];
  created: number;
  alreadyStored: number;
  rejected: number;
}

/**
 * Offline sync of the assistance log. A batch of up to 500 entries, each with the client's id, is stored in one
 * transaction: new client ids are created, known ones are reported as already stored (re-sending is harmless), and an
 * entry that breaks a rule is rejected alone with its reasons while the others are stored.
 */
@Injectable()
export class AssistLogService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AssistRepository,
    private readonly contexts: EntryContextLoader,
    private readonly keyring: HouseholdKeyring,
    private readonly audit: AuditService,
    private readonly changes: ChangeFeed,
  ) {}

  async log(actor: AuditActor, groupId: string, inputs: EntryInput[]): Promise<BatchResult> {
    if (!Array.isArray(inputs)) throw DomainError.invalid('input.entries', Reason.NotAList);
    if (inputs.length === 0) throw DomainError.invalid('input.entries', Reason.TooFew, { min: 1 });
    if (inputs.length > MAX_BATCH) throw DomainError.invalid('input.entries', Reason.TooMany, { max: MAX_BATCH });
    const results = await this.dataSource.transaction(async (manager) => {
      const out: EntryResult[] = inputs.map((i) => ({
        clientId: typeof i?.clientId === 'string' ? i.clientId : '',
        outcome: EntryOutcome.Rejected,
        entryId: null,
        problems: [],
      }));

      // Re-sent entries first: a stored client id is answered as stored, whatever the entry looks like today.
      const known = new Map((await this.repository.byClientIds(manager, out.map((r) => r.clientId).filter(Boolean))).map((s) => [s.clientId, s]));
      const fresh: { index: number; input: EntryInput }[] = [];
      inputs.forEach((input, index) => {
        const stored = known.get(out[index].clientId);
        if (!stored) return fresh.push({ index, input });
        if (stored.groupId !== groupId) out[index].problems = [problem(['input', 'entries', index, 'clientId'], Reason.ClientIdTaken)];
        else Object.assign(out[index], { outcome: EntryOutcome.AlreadyStored, entryId: stored.id });
      });

      const context = await this.contexts.load(
        manager,
        groupId,
        fresh.map((f) => f.input),
      );
      const accepted: { index: number; draft: EntryDraft }[] = [];
      const firstIndex = new Map<string, number>();
      const repeats: { index: number; of: number }[] = []; // the same client id twice in one batch: one entry
      for (const { index, input } of fresh) {
        const checked = checkEntry(input, context, ['input', 'entries', index]);
        if ('problems' in checked) out[index].problems = checked.problems;
        else if (firstIndex.has(checked.draft.clientId)) repeats.push({ index, of: firstIndex.get(checked.draft.clientId)! });
        else {
          firstIndex.set(checked.draft.clientId, index);
          accepted.push({ index, draft: checked.draft });
        }
      }
      if (accepted.length === 0) return out;

      const householdIds = await this.keyring.resolve(
        manager,
        accepted.map((a) => ({ identity: a.draft.household!, unit: a.draft.unit })),
      );
      const drafts = accepted.map((a, i) => ({ ...a.draft, householdId: householdIds[i] }));
      const inserted = await this.repository.insertEntries(manager, groupId, actor.userId, drafts);
      // A client id inserted meanwhile by a concurrent request of the same batch is stored all the same.
      const raced = drafts.filter((d) => !inserted.has(d.clientId)).map((d) => d.clientId);
      const racedIds = new Map((raced.length ? await this.repository.byClientIds(manager, raced) : []).map((s) => [s.clientId, s]));
      for (const { index, draft } of accepted) {
        const id = inserted.get(draft.clientId);
        if (id) Object.assign(out[index], { outcome: EntryOutcome.Created, entryId: id });
        else if (racedIds.get(draft.clientId)?.groupId === groupId)
          Object.assign(out[index], { outcome: EntryOutcome.AlreadyStored, entryId: racedIds.get(draft.clientId)!.id });
        else out[index].problems = [problem(['input', 'entries', index, 'clientId'], Reason.ClientIdTaken)];
      }
      for (const { index, of } of repeats) {
        const first = out[of];
        Object.assign(out[index], {
          outcome: first.outcome === EntryOutcome.Rejected ? EntryOutcome.Rejected : EntryOutcome.AlreadyStored,
          entryId: first.entryId,
          problems: first.problems,
        });
      }

      const created = drafts.filter((d) => inserted.has(d.clientId));
      if (created.length) {
        await this.audit.record(manager, actor, {
          operation: 'assist.log',
          objectType: 'assist_batch',
          objectId: randomUUID(),
          after: { created: created.length, entryIds: [...inserted.values()] },
          unitId: context.groupUnitId,
          groupId,
        });
        await this.changes.emit(manager, { households: created.map((d) => d.householdId), members: created.flatMap((d) => d.volunteerIds) });
      }
      return out;
    });
    return {
      entries: results,
      created: results.filter((r) => r.outcome === EntryOutcome.Created).length,
      alreadyStored: results.filter((r) => r.outcome === EntryOutcome.AlreadyStored).length,
      rejected: results.filter((r) => r.outcome === EntryOutcome.Rejected).length,
    };
  }
}
