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
import { GeographyImportService, ImportReport } from '@cdtg/geography';
import { foldVietnamese } from '@cdtg/text';
import { makePerson, uniqueMobile } from './people';
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
const BATCH = 1000;

export async function loadDemoCity(dataSource: DataSource, options: DemoCityOptions = {}): Promise<DemoCityReport> {
  const started = Date.now();
  const dataDir = options.dataDir ?? 'data/danang';
  const unitsCsv = readFileSync(join(dataDir, 'danang-admin-units.csv'));
  const reformCsv = readFileSync(join(dataDir, 'danang-reform-2025.csv'));
  const random = mulberry32(options.seed ?? 20250701);

  const counts = await dataSource.transaction(async (manager) => {
    // Two loaders at once: the second waits, then sees the first one's units and skips.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('cdtg:demo-city'))`);
    if ((await manager.query(`SELECT 1 FROM admin_unit LIMIT 1`)).length) return null;

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

interface UnitRef {
  id: string;
  code: string;
  name: string;
  typeWord: string;
  path: string;
  depth: number;
}

async function generatePopulation(manager: EntityManager, random: Random) {
  const communes = (await manager.query(
    `SELECT c.id, c.code, c.name, c.type_word AS "typeWord", c.path, c.depth
       FROM admin_unit p JOIN admin_unit c ON c.path LIKE p.path || '%' AND c.kind = 'commune'
      WHERE p.code = $1 AND p.kind = 'province' AND p.valid_to = $2::date AND c.valid_to = $2::date
      ORDER BY c.code`,
    [OLD_PROVINCE_CODE, OLD_END],
  )) as UnitRef[];
  if (!communes.length) throw new Error(`demo city: no communes of province ${OLD_PROVINCE_CODE} valid to ${OLD_END}`);
  const successorRows = (await manager.query(
    `SELECT l.from_unit_id AS "fromId", t.id, t.code, t.name, t.type_word AS "typeWord", t.path, t.depth
       FROM reorganisation_link l JOIN reorganisation r ON r.id = l.reorganisation_id JOIN admin_unit t ON t.id = l.to_unit_id
      WHERE r.effective_date = $1::date AND l.from_unit_id = ANY($2::uuid[])
      ORDER BY t.code`,
    [REFORM_DATE, communes.map((c) => c.id)],
  )) as (UnitRef & { fromId: string })[];
  const successors = new Map<string, UnitRef[]>();
  for (const row of successorRows) successors.set(row.fromId, [...(successors.get(row.fromId) ?? []), row]);

  // Residential groups: tổ dân phố in wards, thôn in rural communes; two versions each, linked by one reorganisation.
  const unitRows: unknown[][] = [];
  const linkRows: unknown[][] = [];
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
      unitRows.push([oldId, code, name, typeWord, 'residential_group', commune.id, `${commune.path}${oldId}/`, commune.depth + 1, null, OLD_END, true]);
      unitRows.push([newId, code, name, typeWord, 'residential_group', parent.id, `${parent.path}${newId}/`, parent.depth + 1, REFORM_DATE, null, true]);
      linkRows.push([reorganisationId, oldId, newId, 'full', '1', false]);
      residential.push({ id: oldId, name, commune });
    }
  }
  await insertRows(
    manager,
    'admin_unit',
    ['id', 'code', 'name', 'type_word', 'kind', 'parent_id', 'path', 'depth', 'valid_from', 'valid_to', 'synthetic'],
    unitRows,
  );
  await manager.query(`INSERT INTO reorganisation (id, effective_date, kind, decision) VALUES ($1, $2, 'reparent', $3)`, [
    reorganisationId,
    REFORM_DATE,
    SYNTHETIC_REPARENT_DECISION,
  ]);
  await insertRows(manager, 'reorganisation_link', ['reorganisation_id', 'from_unit_id', 'to_unit_id', 'share', 'fraction', 'fraction_estimated'], linkRows);

  // Volunteer groups: nearly every residential group has one (founded before the reform, so on the old version),
  // and most communes a commune-level group as well.
  const groups: { id: string; founded: string; size: number }[] = [];
  const groupRows: unknown[][] = [];
  const addGroup = (unitId: string, name: string, size: number) => {
    const id = crypto.randomUUID();
    const founded = dayBetween(random, '2024-03-01', '2025-06-15');
    const status = random() < 0.012 ? 'suspended' : 'active';
    groupRows.push([id, name, foldVietnamese(name), unitId, `${between(random, 1, 480)}/QĐ-UBND`, founded, status]);
    groups.push({ id, founded, size });
  };
  for (const commune of communes) {
    if (random() < 0.85) addGroup(commune.id, `Tổ công nghệ số cộng đồng ${commune.name}`, between(random, 6, 12));
  }
  for (const rg of residential) {
    if (random() < 0.01) continue;
    addGroup(rg.id, `Tổ công nghệ số cộng đồng ${rg.name}, ${withoutTypeWord(rg.commune)}`, pick(random, GROUP_SIZES));
  }
  await insertRows(manager, 'volunteer_group', ['id', 'name', 'name_search', 'unit_id', 'decision_number', 'decision_date', 'status'], groupRows);

  // Members: a leader, a deputy and the rest of each group; one open membership each.
  const memberRows: unknown[][] = [];
  const membershipRows: unknown[][] = [];
  const phones = new Set<string>();
  for (const group of groups) {
    for (let seat = 0; seat < group.size; seat++) {
      const id = crypto.randomUUID();
      const person = makePerson(random, memberRows.length + 1, () => uniqueMobile(random, phones));
      const joined = seat < 2 ? group.founded : dayBetween(random, group.founded, OLD_END);
      memberRows.push([
        id,
        person.fullName,
        foldVietnamese(person.fullName),
        person.phone,
        person.email,
        person.gender,
        person.birthYear,
        person.affiliation,
        person.skills,
        joined,
      ]);
      membershipRows.push([group.id, id, seat === 0 ? 'leader' : seat === 1 ? 'deputy' : 'member', joined]);
    }
  }
  await insertRows(
    manager,
    'member',
    ['id', 'full_name', 'name_search', 'phone', 'email', 'gender', 'birth_year', 'affiliation', 'skills', 'joined_on'],
    memberRows,
  );
  await insertRows(manager, 'membership', ['group_id', 'member_id', 'role', 'from_date'], membershipRows);

  return { reorganisationId, counts: { residentialGroups: residential.length, groups: groups.length, members: memberRows.length } };
}

/** Multi-row INSERTs of up to BATCH rows each. */
export async function insertRows(manager: EntityManager, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH) {
    const chunk = rows.slice(start, start + BATCH);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
    await manager.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
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
