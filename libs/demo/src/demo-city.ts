/**
 * The demo city: Đà Nẵng.
 *
 * REAL: the administrative units (old Thành phố Đà Nẵng and Tỉnh Quảng Nam to 2025-06-30, the new Thành phố Đà Nẵng
 * from 2025-07-01) and the 1 July 2025 reform (Nghị quyết 1659/NQ-UBTVQH15), read from data/danang.
 *
 * SYNTHETIC (generated here, marked `synthetic` where the schema has such a flag, and invented from a seeded PRNG):
 * the residential groups (tổ dân phố / thôn) of old Đà Nẵng and their post-reform versions, the volunteer groups,
 * their members (names, phone numbers, e-mail addresses on example.vn) and memberships. No real person is described.
 *
 * Idempotent: a database that already holds any unit is left alone. Everything runs in one transaction.
 * Same seed → same names, codes, phones, sizes and dates (row ids are random UUIDs).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActor, AuditService } from '@cdtg/audit';
import { DemoGroupRow, DemoMemberRow, DemoMembershipRow, insertDemoGroups, insertDemoMembers, insertDemoMemberships } from '@cdtg/directory';
import {
  demoCommunesOf,
  demoSuccessorsOf,
  DemoReorganisationLinkRow,
  DemoUnitRef as UnitRef,
  DemoUnitRow,
  GeographyImportService,
  hasDemoUnits,
  ImportReport,
  insertDemoReorganisation,
  insertDemoReorganisationLinks,
  insertDemoUnits,
} from '@cdtg/geography';
import { foldVietnamese } from '@cdtg/text';
import { lockSeed } from './lock';
import { makePerson, memberRow, uniqueMobile } from './people';
import { between, dayBetween, mulberry32, pick, Random, Weighted } from './random';

export interface DemoCityOptions {
  /** PRNG seed for the synthetic population; default 20250701. */
  seed?: number;
  /** Folder with danang-admin-units.csv and danang-reform-2025.csv; default data/danang (relative to the cwd). */
  dataDir?: string;
}

export interface DemoCityReport {
  /** True when the database already held units: nothing was written and the counts are 0. */
  skipped: boolean;
  /** admin_unit rows written: the official units plus both versions of every residential group. */
  units: number;
  /** Residential groups generated (each stored twice: before and after the reform). */
  residentialGroups: number;
  groups: number;
  members: number;
  ms: number;
}

export const DEMO_ACTOR: AuditActor = { userId: null, label: 'system:demo' };
export const REFORM_DECISION = 'Nghị quyết 1659/NQ-UBTVQH15';
export const SYNTHETIC_REPARENT_DECISION = 'Synthetic demo data: residential groups follow their commune';

const OLD_PROVINCE_CODE = '48';
const OLD_END = '2025-06-30';
const REFORM_DATE = '2025-07-01';

export async function loadDemoCity(dataSource: DataSource, options: DemoCityOptions = {}): Promise<DemoCityReport> {
  const started = Date.now();
  const dataDir = options.dataDir ?? 'data/danang';
  const unitsCsv = readFileSync(join(dataDir, 'danang-admin-units.csv'));
  const reformCsv = readFileSync(join(dataDir, 'danang-reform-2025.csv'));
  const random = mulberry32(options.seed ?? 20250701);

  const counts = await dataSource.transaction(async (manager) => {
    // Two loaders at once: the second waits, then sees the first one's units and skips.
    await lockSeed(manager, 'cdtg:demo-city');
    if (await hasDemoUnits(manager)) return null;

    // The import service opens its own transactions; hand it this one so the whole load commits or rolls back as one.
    const inThisTransaction = { transaction: <T>(run: (m: EntityManager) => Promise<T>) => run(manager) } as unknown as DataSource;
    const importer = new GeographyImportService(inThisTransaction, new AuditService(dataSource));
    const units = await importer.importUnits(unitsCsv, DEMO_ACTOR);
    failOnErrors('danang-admin-units.csv', units);
    const reform = await importer.importReorganisations(reformCsv, DEMO_ACTOR, REFORM_DECISION);
    failOnErrors('danang-reform-2025.csv', reform);

    const population = await generatePopulation(manager, random);
    await new AuditService(dataSource).record(manager, DEMO_ACTOR, {
      operation: 'demo.load',
      objectType: 'reorganisation',
      objectId: population.reorganisationId,
      after: { synthetic: true, ...population.counts },
    });
    return { units: units.created + 2 * population.counts.residentialGroups, ...population.counts };
  });

  const ms = Date.now() - started;
  return counts ? { skipped: false, ...counts, ms } : { skipped: true, units: 0, residentialGroups: 0, groups: 0, members: 0, ms };
}

function failOnErrors(file: string, report: ImportReport): void {
  if (!report.errors.length) return;
  const shown = report.errors.slice(0, 5).map((e) => `line ${e.line} ${e.field}: ${e.message}`);
  throw new Error(`demo city: ${file} has ${report.errors.length} error(s): ${shown.join('; ')}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The synthetic population

async function generatePopulation(manager: EntityManager, random: Random) {
  const communes = await demoCommunesOf(manager, OLD_PROVINCE_CODE, OLD_END);
  if (!communes.length) throw new Error(`demo city: no communes of province ${OLD_PROVINCE_CODE} valid to ${OLD_END}`);
  const successorRows = await demoSuccessorsOf(
    manager,
    REFORM_DATE,
    communes.map((c) => c.id),
  );
  const successors = new Map<string, UnitRef[]>();
  for (const row of successorRows) successors.set(row.fromId, [...(successors.get(row.fromId) ?? []), row]);

  // Residential groups: tổ dân phố in wards, thôn in rural communes; two versions each, linked by one reorganisation.
  const unitRows: DemoUnitRow[] = [];
  const linkRows: DemoReorganisationLinkRow[] = [];
  const reorganisationId = crypto.randomUUID();
  const residential: { id: string; name: string; commune: UnitRef }[] = [];
  for (const commune of communes) {
    const next = successors.get(commune.id);
    if (!next?.length) throw new Error(`demo city: commune ${commune.code} ${commune.name} has no successor on ${REFORM_DATE}`);
    const ward = commune.typeWord !== 'Xã';
    const typeWord = ward ? 'Tổ dân phố' : 'Thôn';
    const count = ward ? between(random, 44, 76) : between(random, 18, 36);
    for (let n = 1; n <= count; n++) {
      const code = `${commune.code}-${String(n).padStart(2, '0')}`;
      const name = `${typeWord} ${n}`;
      const oldId = crypto.randomUUID();
      const newId = crypto.randomUUID();
      // A split commune's residential groups go, in contiguous blocks, to its successors.
      const parent = next[Math.floor(((n - 1) * next.length) / count)];
      unitRows.push(residentialGroup(oldId, code, name, typeWord, commune, null, OLD_END));
      unitRows.push(residentialGroup(newId, code, name, typeWord, parent, REFORM_DATE, null));
      linkRows.push({ reorganisation_id: reorganisationId, from_unit_id: oldId, to_unit_id: newId, share: 'full', fraction: '1', fraction_estimated: false });
      residential.push({ id: oldId, name, commune });
    }
  }
  await insertDemoUnits(manager, unitRows);
  await insertDemoReorganisation(manager, { id: reorganisationId, effective_date: REFORM_DATE, kind: 'reparent', decision: SYNTHETIC_REPARENT_DECISION });
  await insertDemoReorganisationLinks(manager, linkRows);

  // Volunteer groups: nearly every residential group has one (founded before the reform, so on the old version),
  // and most communes a commune-level group as well.
  const groups: { id: string; founded: string; size: number }[] = [];
  const groupRows: DemoGroupRow[] = [];
  const addGroup = (unitId: string, name: string, size: number) => {
    const id = crypto.randomUUID();
    const founded = dayBetween(random, '2024-03-01', '2025-06-15');
    const status = random() < 0.012 ? 'suspended' : 'active';
    groupRows.push({
      id,
      name,
      name_search: foldVietnamese(name),
      unit_id: unitId,
      decision_number: `${between(random, 1, 480)}/QĐ-UBND`,
      decision_date: founded,
      status,
    });
    groups.push({ id, founded, size });
  };
  for (const commune of communes) {
    if (random() < 0.85) addGroup(commune.id, `Tổ công nghệ số cộng đồng ${commune.name}`, between(random, 6, 12));
  }
  for (const rg of residential) {
    if (random() < 0.01) continue;
    addGroup(rg.id, `Tổ công nghệ số cộng đồng ${rg.name}, ${withoutTypeWord(rg.commune)}`, pick(random, GROUP_SIZES));
  }
  await insertDemoGroups(manager, groupRows);

  // Members: a leader, a deputy and the rest of each group; one open membership each.
  const memberRows: DemoMemberRow[] = [];
  const membershipRows: DemoMembershipRow[] = [];
  const phones = new Set<string>();
  for (const group of groups) {
    for (let seat = 0; seat < group.size; seat++) {
      const id = crypto.randomUUID();
      const person = makePerson(random, memberRows.length + 1, () => uniqueMobile(random, phones));
      const joined = seat < 2 ? group.founded : dayBetween(random, group.founded, OLD_END);
      memberRows.push(memberRow(id, person, joined));
      membershipRows.push({ group_id: group.id, member_id: id, role: seat === 0 ? 'leader' : seat === 1 ? 'deputy' : 'member', from_date: joined });
    }
  }
  await insertDemoMembers(manager, memberRows);
  await insertDemoMemberships(manager, membershipRows);

  return { reorganisationId, counts: { residentialGroups: residential.length, groups: groups.length, members: memberRows.length } };
}

/** A synthetic residential group (one of its two versions) under `parent`. */
function residentialGroup(
  id: string,
  code: string,
  name: string,
  typeWord: string,
  parent: UnitRef,
  validFrom: string | null,
  validTo: string | null,
): DemoUnitRow {
  return {
    id,
    code,
    name,
    type_word: typeWord,
    kind: 'residential_group',
    parent_id: parent.id,
    path: `${parent.path}${id}/`,
    depth: parent.depth + 1,
    valid_from: validFrom,
    valid_to: validTo,
    synthetic: true,
  };
}

function withoutTypeWord(unit: UnitRef): string {
  return unit.name.startsWith(`${unit.typeWord} `) ? unit.name.slice(unit.typeWord.length + 1) : unit.name;
}

// ---------------------------------------------------------------------------------------------------------------
// People

/** People per residential-level group, leader and deputy included: many fall short of the guidance. */
const GROUP_SIZES: Weighted<number>[] = [
  [3, 12],
  [4, 22],
  [5, 27],
  [6, 19],
  [7, 12],
  [8, 6],
  [9, 2],
];

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness
