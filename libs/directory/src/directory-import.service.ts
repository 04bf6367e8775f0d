import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessService, DataScope, EVERYTHING } from '@cdtg/access';
import { AuditActor, AuditEntry, AuditService } from '@cdtg/audit';
import { DomainError, ErrorCode, Reason, ReasonParams } from '@cdtg/errors';
import { RowProblem, rowProblem, unitIdsByCode } from '@cdtg/geography';
import { JobName, OutboxService } from '@cdtg/queue';
import { CsvFormatError, foldVietnamese, isScientificNotation, normaliseSpreadsheetPhone, readCsv } from '@cdtg/text';
import { addDays, Clock, parseVietnameseDate } from '@cdtg/time';
import { AFFILIATION_CHOICES, GENDER_CHOICES, parseAffiliation, parseGender, parseGroupStatus, parseRole, ROLE_CHOICES } from './csv-vocabulary';
import { DirectoryImport, DirectoryImportKind, DirectoryImportStatus } from './directory-import.entity';
import { DirectoryRepository } from './directory.repository';
import { DirectoryService } from './directory.service';
import { GroupStatus, MemberRole } from './directory.enums';
import { Member } from './member.entity';
import { Membership } from './membership.entity';
import { VolunteerGroup } from './volunteer-group.entity';

export const GROUP_COLUMNS = ['unit_code', 'name', 'decision_number', 'decision_date', 'status'];
export const MEMBER_COLUMNS = ['unit_code', 'group_name', 'full_name', 'phone', 'email', 'gender', 'birth_year', 'affiliation', 'skills', 'role', 'joined_on'];
const REQUIRED = { groups: ['unit_code', 'name'], members: ['unit_code', 'group_name', 'full_name', 'phone'] };
const CHUNK = 500;
const MAX_BYTES = 20 * 1024 * 1024;

type Counts = { created: number; updated: number; unchanged: number; errors: RowProblem[] };

/**
 * Bulk import of groups or members from CSV, as a queued job. Rows are applied in chunks of 500, each chunk in one
 * transaction together with the progress counter, so a crashed import resumes where it stopped and nothing is applied
 * twice. Upserts by natural key (group: unit code + folded name; member: phone among active members): re-importing
 * the same file changes nothing. Bad rows are reported with line, column and reason, every problem of a row at once
 * (one per column); a row with any problem is not written, good rows are kept.
 *
 * Cells are read as a Vietnamese spreadsheet saves them: dates by parseVietnameseDate (15/03/2025 is day/month/year;
 * 2025-03-15 and Excel's "2025-03-15 00:00:00" too), phone numbers by normaliseSpreadsheetPhone (the 0 Excel drops
 * from a number, 84905123456, 9.05123456E+8, +84 (0) 905…).
 */
@Injectable()
export class DirectoryImportService {
  private readonly logger = new Logger(DirectoryImportService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: DirectoryService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly repository: DirectoryRepository,
  ) {}

  /** Queues an import. `scope` is where the actor may manage the directory; rows outside it are refused. */
  async start(actor: AuditActor, scope: DataScope, kind: DirectoryImportKind, csv: string): Promise<DirectoryImport> {
    if (Buffer.byteLength(csv) > MAX_BYTES) throw DomainError.invalid('csv', Reason.CsvTooLarge, { max: '20 MB' });
    return this.dataSource.transaction(async (manager) => {
      const job = manager
        .getRepository(DirectoryImport)
        .create({ kind, csv, actorId: actor.userId, actorLabel: actor.label, scope: scope.all ? null : scope, status: DirectoryImportStatus.Queued });
      await manager.getRepository(DirectoryImport).insert(job);
      await this.outbox.enqueue(manager, JobName.DirectoryImport, { importId: job.id }, { aggregate: `directory_import:${job.id}`, jobKey: job.id });
      return job;
    });
  }

  async find(id: string): Promise<DirectoryImport> {
    const job = await this.dataSource.getRepository(DirectoryImport).findOneBy({ id });
    if (!job) throw DomainError.notFound('Import');
    return job;
  }

  /** Who started an import (null when it does not exist or no user did): its owner may always read it. */
  async ownerOf(id: string): Promise<string | null> {
    const job = await this.dataSource.getRepository(DirectoryImport).findOne({ where: { id }, select: { id: true, actorId: true } });
    return job?.actorId ?? null;
  }

  /** Runs (or resumes) an import. Idempotent: a completed import is left alone. */
  async run(id: string): Promise<void> {
    const job = await this.find(id);
    if (job.status === DirectoryImportStatus.Completed || job.status === DirectoryImportStatus.Failed) return;
    const actor: AuditActor = { userId: job.actorId, label: job.actorLabel };
    const scope = job.scope ?? EVERYTHING;
    let rows: { line: number; values: Record<string, string> }[];
    try {
      const table = readCsv(job.csv);
      const missing = REQUIRED[job.kind].filter((c) => !table.header.includes(c));
      if (missing.length)
        throw new CsvFormatError(Reason.CsvMissingColumns, { columns: missing, expected: job.kind === 'groups' ? GROUP_COLUMNS : MEMBER_COLUMNS });
      rows = table.rows;
    } catch (error) {
      if (!(error instanceof CsvFormatError)) throw error;
      await this.dataSource
        .getRepository(DirectoryImport)
        .update(id, { status: DirectoryImportStatus.Failed, failure: error.message, failureReason: error.reason, failureParams: error.params });
      return;
    }
    await this.dataSource.getRepository(DirectoryImport).update(id, { status: DirectoryImportStatus.Running, totalRows: rows.length });
    for (let start = job.processedRows; start < rows.length; start += CHUNK) {
      const chunk = rows.slice(start, start + CHUNK);
      await this.dataSource.transaction(async (manager) => {
        const counts =
          job.kind === DirectoryImportKind.Groups ? await this.groupChunk(manager, chunk, actor, scope) : await this.memberChunk(manager, chunk, actor, scope);
        await this.repository.recordImportProgress(manager, id, start + chunk.length, counts);
      });
    }
    await this.dataSource.getRepository(DirectoryImport).update(id, { status: DirectoryImportStatus.Completed });
    this.logger.log(`import ${id} (${job.kind}) completed: ${rows.length} rows`);
  }

  private async groupChunk(
    manager: EntityManager,
    rows: { line: number; values: Record<string, string> }[],
    actor: AuditActor,
    scope: DataScope,
  ): Promise<Counts> {
    const counts: Counts = { created: 0, updated: 0, unchanged: 0, errors: [] };
    const units = await this.unitsByCode(
      manager,
      rows.map((r) => r.values.unit_code),
    );
    const allowed = await this.allowedUnits(scope, [...units.values()]);
    const existing = await this.groupsByKey(
      manager,
      rows.map((r) => ({ code: r.values.unit_code, name: r.values.name })),
    );
    const audit: AuditEntry[] = [];
    const seen = new Map<string, number>();
    for (const { line, values: v } of rows) {
      const problems: RowProblem[] = [];
      const bad = (field: string, reason: Reason, params?: ReasonParams) => problems.push(rowProblem(line, field, reason, params));
      const unitId = units.get(v.unit_code);
      if (!unitId) bad('unit_code', Reason.UnitNotInForce, { code: v.unit_code });
      else if (!allowed.has(unitId)) bad('unit_code', Reason.OutsideYourArea);
      const decisionDate = v.decision_date ? parseVietnameseDate(v.decision_date) : null;
      if (v.decision_date && !decisionDate) bad('decision_date', Reason.CsvBadDate);
      const fields = await check(problems, line, () =>
        this.directory.groupFields({ name: v.name, decisionNumber: v.decision_number || null, decisionDate }, 'row'),
      );
      const status = v.status ? parseGroupStatus(v.status) : GroupStatus.Active;
      if (!status || status === GroupStatus.Dissolved) bad('status', Reason.CsvGroupStatus);
      const key = `${v.unit_code}|${fields?.nameSearch}`;
      if (fields && seen.has(key)) bad('name', Reason.CsvSameAsLine, { line: seen.get(key)! });
      if (problems.length || !unitId || !fields || !status) {
        counts.errors.push(...firstPerColumn(problems));
        continue;
      }
      try {
        seen.set(key, line);
        const group = existing.get(key);
        if (!group) {
          const created = manager.getRepository(VolunteerGroup).create({ ...fields, unitId, status });
          await manager.getRepository(VolunteerGroup).insert(created);
          audit.push({ operation: 'group.import', objectType: 'group', objectId: created.id, after: created, unitId: created.unitId, groupId: created.id });
          counts.created++;
        } else if (
          group.name === fields.name &&
          group.decisionNumber === fields.decisionNumber &&
          group.decisionDate === fields.decisionDate &&
          group.status === status
        ) {
          counts.unchanged++;
        } else if (group.status === GroupStatus.Dissolved) {
          throw DomainError.invalid('name', Reason.GroupDissolved);
        } else {
          const before = { ...group };
          Object.assign(group, fields, { status });
          await manager.getRepository(VolunteerGroup).save(group);
          audit.push({ operation: 'group.import', objectType: 'group', objectId: group.id, before, after: group, unitId: group.unitId, groupId: group.id });
          counts.updated++;
        }
      } catch (error) {
        counts.errors.push(...rowErrors(line, error));
      }
    }
    await this.audit.record(manager, actor, audit);
    return counts;
  }

  private async memberChunk(
    manager: EntityManager,
    rows: { line: number; values: Record<string, string> }[],
    actor: AuditActor,
    scope: DataScope,
  ): Promise<Counts> {
    const counts: Counts = { created: 0, updated: 0, unchanged: 0, errors: [] };
    const groups = await this.groupsByKey(
      manager,
      rows.map((r) => ({ code: r.values.unit_code, name: r.values.group_name })),
    );
    const allowed = await this.allowedGroups(scope, [...groups.values()]);
    const valid: { line: number; fields: Awaited<ReturnType<DirectoryService['memberFields']>>; group: VolunteerGroup; role: MemberRole }[] = [];
    const seenPhones = new Map<string, number>();
    const knownSkills = await this.directory.skillCodes();
    for (const { line, values: v } of rows) {
      const problems: RowProblem[] = [];
      const problem = (field: string, reason: Reason, params?: ReasonParams) => problems.push(rowProblem(line, field, reason, params));
      const group = groups.get(`${v.unit_code}|${foldVietnamese(v.group_name ?? '')}`);
      if (!group) problem('group_name', Reason.GroupNotInUnit, { name: v.group_name ?? '', unitCode: v.unit_code ?? '' });
      else if (!allowed.has(group.id)) problem('group_name', Reason.OutsideYourArea);
      else if (group.status === GroupStatus.Dissolved) problem('group_name', Reason.GroupDissolved);
      const role = v.role ? parseRole(v.role) : MemberRole.Member;
      if (!role) problem('role', Reason.CsvNotOneOf, ROLE_CHOICES);
      const gender = v.gender ? parseGender(v.gender) : null;
      if (gender === undefined) problem('gender', Reason.CsvNotOneOf, GENDER_CHOICES);
      const affiliation = v.affiliation ? parseAffiliation(v.affiliation) : undefined;
      if (v.affiliation && !affiliation) problem('affiliation', Reason.CsvNotOneOf, AFFILIATION_CHOICES);
      const birthYear = /^\d{4}$/.test(v.birth_year ?? '') ? Number(v.birth_year) : null;
      if (v.birth_year && birthYear === null) problem('birth_year', Reason.BadFormat, { example: '1998' });
      const joinedOn = v.joined_on ? parseVietnameseDate(v.joined_on) : null;
      if (v.joined_on && !joinedOn) problem('joined_on', Reason.CsvBadDate);
      const phone = v.phone ? normaliseSpreadsheetPhone(v.phone) : null;
      if (!phone && isScientificNotation(v.phone ?? '')) problem('phone', Reason.CsvScientificNotation);
      const skills = v.skills
        ? v.skills
            .split(/[|;,]/)
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
      const fields = await check(problems, line, () =>
        this.directory.memberFields(
          {
            fullName: v.full_name,
            phone: phone ?? v.phone,
            email: v.email || null,
            gender: gender ?? null,
            birthYear,
            affiliation: affiliation ?? null,
            skills,
            joinedOn,
          },
          'row',
          knownSkills,
        ),
      );
      if (fields && seenPhones.has(fields.phone)) problem('phone', Reason.CsvSameAsLine, { line: seenPhones.get(fields.phone)! });
      if (problems.length || !group || !role || !fields) {
        counts.errors.push(...firstPerColumn(problems));
        continue;
      }
      seenPhones.set(fields.phone, line);
      valid.push({ line, fields, group, role });
    }
    const existing = new Map(
      (
        await this.repository.activeMembersByPhone(
          manager,
          valid.map((v) => v.fields.phone),
        )
      ).map((r) => [r.phone, r]),
    );
    // A phone number already used by an active member elsewhere: that member may only be changed by whoever manages them.
    const reachable = await this.allowedGroups(
      scope,
      [...existing.values()].flatMap((e) => (e.group_id ? [{ id: e.group_id, unitId: e.group_unit_id }] : [])),
    );
    const today = this.clock.today();
    const newMembers: Member[] = [];
    const newMemberships: Partial<Membership>[] = [];
    const audit: AuditEntry[] = [];
    const current: Member[] = existing.size
      ? await this.repository.membersByIds(
          [...existing.values()].map((e) => e.id),
          manager,
        )
      : [];
    const byId = new Map(current.map((m) => [m.id, m]));
    for (const row of valid) {
      const found = existing.get(row.fields.phone);
      if (!found) {
        const member = manager.getRepository(Member).create({ ...row.fields, joinedOn: row.fields.joinedOn ?? today, leftOn: null, id: crypto.randomUUID() });
        newMembers.push(member);
        newMemberships.push({ groupId: row.group.id, memberId: member.id, role: row.role, fromDate: member.joinedOn, toDate: null });
        audit.push({
          operation: 'member.import',
          objectType: 'member',
          objectId: member.id,
          after: { ...member, groupId: row.group.id, role: row.role },
          unitId: row.group.unitId,
          groupId: row.group.id,
        });
        counts.created++;
        continue;
      }
      if (found.group_id && !reachable.has(found.group_id)) {
        counts.errors.push(rowProblem(row.line, 'phone', Reason.PhoneUnavailable));
        continue;
      }
      const member = byId.get(found.id)!;
      const { joinedOn, ...rest } = row.fields;
      const sameFields =
        (Object.keys(rest) as (keyof typeof rest)[]).every((k) => JSON.stringify(member[k]) === JSON.stringify(rest[k])) &&
        (!joinedOn || joinedOn === member.joinedOn);
      const sameGroup = found.group_id === row.group.id && found.role === row.role;
      if (sameFields && sameGroup) {
        counts.unchanged++;
        continue;
      }
      const before = { ...member, groupId: found.group_id, role: found.role };
      if (!sameFields) {
        Object.assign(member, rest, joinedOn ? { joinedOn } : {});
        await manager.getRepository(Member).save(member);
      }
      if (!sameGroup) {
        if (found.membership_id)
          await manager.update(Membership, found.membership_id, { toDate: found.from_date! >= today ? found.from_date! : addDays(today, -1) });
        await manager.getRepository(Membership).insert({ groupId: row.group.id, memberId: member.id, role: row.role, fromDate: today, toDate: null });
      }
      audit.push({
        operation: 'member.import',
        objectType: 'member',
        objectId: member.id,
        before,
        after: { ...member, groupId: row.group.id, role: row.role },
        unitId: row.group.unitId,
        groupId: row.group.id,
      });
      counts.updated++;
    }
    if (newMembers.length) {
      await manager.getRepository(Member).insert(newMembers);
      await manager.getRepository(Membership).insert(newMemberships);
    }
    await this.audit.record(manager, actor, audit);
    return counts;
  }

  /** Unit code → id of the version valid today (else the latest version). */
  private async unitsByCode(manager: EntityManager, codes: string[]): Promise<Map<string, string>> {
    const rows = await unitIdsByCode(manager, [...new Set(codes)], this.clock.today());
    return new Map(rows.map((r) => [r.code, r.id]));
  }

  private async allowedUnits(scope: DataScope, unitIds: string[]): Promise<Set<string>> {
    const ok = await this.access.inScope(
      scope,
      unitIds.map((unitId) => ({ unitId })),
    );
    return new Set(unitIds.filter((_, i) => ok[i]));
  }

  private async allowedGroups(scope: DataScope, groups: { id: string; unitId: string | null }[]): Promise<Set<string>> {
    const ok = await this.access.inScope(
      scope,
      groups.map((g) => ({ unitId: g.unitId, groupId: g.id })),
    );
    return new Set(groups.filter((_, i) => ok[i]).map((g) => g.id));
  }

  /** Groups by natural key "unit code|folded name", across every version of the unit code. */
  private async groupsByKey(manager: EntityManager, keys: { code: string; name: string }[]): Promise<Map<string, VolunteerGroup>> {
    const codes = [...new Set(keys.map((k) => k.code))];
    const names = [...new Set(keys.map((k) => foldVietnamese(k.name ?? '')))];
    const groups = await this.repository.groupsByCodeAndName(manager, codes, names);
    return new Map(groups.map(({ unitCode, ...group }) => [`${unitCode}|${group.nameSearch}`, Object.assign(new VolunteerGroup(), group)]));
  }
}

/** A domain refusal of a row as row errors, one per field it names. Anything else is not the row's fault: rethrown. */
function rowErrors(line: number, error: unknown): RowProblem[] {
  if (error instanceof DomainError && (error.code === ErrorCode.InvalidInput || error.code === ErrorCode.Forbidden)) {
    if (!error.fields.length) return [rowProblem(line, undefined, error.reason, error.params)];
    return error.fields.map((f) => {
      const field = f.path.at(-1);
      return rowProblem(line, field === undefined ? undefined : toColumn(String(field)), f.reason ?? Reason.Invalid, f.params);
    });
  }
  throw error;
}

/** Runs one validation of a row; what it refuses (every field of it) joins the row's problems. */
async function check<T>(problems: RowProblem[], line: number, validate: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await validate();
  } catch (error) {
    problems.push(...rowErrors(line, error));
    return undefined;
  }
}

/** One problem per column (the first found): a cell refused by the import's own reading is not refused again. */
const firstPerColumn = (problems: RowProblem[]) => problems.filter((p, i) => p.field === undefined || problems.findIndex((q) => q.field === p.field) === i);

const COLUMN_OF: Record<string, string> = {
  fullName: 'full_name',
  birthYear: 'birth_year',
  joinedOn: 'joined_on',
  decisionNumber: 'decision_number',
  decisionDate: 'decision_date',
  name: 'name',
};
const toColumn = (field: string) => COLUMN_OF[field] ?? field;
