/**
 * A synthetic national tree for benchmarks: the post-reform shape of Vietnam (34 provinces, ~3,300 communes), with
 * invented residential groups, volunteer groups, members and memberships. Everything here is SYNTHETIC: codes
 * (P01, P01C001, P01C001R01), place names, people, phones (+849…, sequential) and e-mail addresses (example.vn).
 * Every unit is valid from 2025-07-01, open-ended, and marked `synthetic`.
 *
 * Fast: rows go in through the owners' bulk ports (geography's and directory's ports/demo.ts) as `INSERT … SELECT
 * FROM unnest($1::uuid[], $2::text[], …)`, 5,000 rows a statement (one parameter per column, not per value), which
 * is close to COPY without needing pg-copy-streams.
 *
 * Idempotent: a database that already holds a unit coded P01 is left alone. Everything runs in ONE transaction, so
 * an interrupted seed leaves nothing behind. Same seed → same names, codes, phones, sizes and dates (ids are random).
 */
import { DataSource, EntityManager } from 'typeorm';
import { DemoGroupRow, DemoMemberRow, DemoMembershipRow, insertDemoGroups, insertDemoMembers, insertDemoMemberships } from '@cdtg/directory';
import { DemoUnitRow, hasDemoUnits, insertDemoUnits } from '@cdtg/geography';
import { foldVietnamese } from '@cdtg/text';
import { lockSeed } from './lock';
import { makePerson, memberRow } from './people';
import { between, choose, dayBetween, mulberry32, pick, Random, Weighted } from './random';

export type NationalScale = 'national' | 'tiny';

export interface NationalSeedOptions {
  scale: NationalScale;
  /** PRNG seed; default 20250701. */
  seed?: number;
}

export interface NationalSeedReport {
  /** True when the database already held unit P01: nothing was written and the counts are 0. */
  skipped: boolean;
  units: number;
  groups: number;
  members: number;
  ms: number;
}

interface Shape {
  provinces: number;
  /** Communes per province, inclusive range. */
  communes: [number, number];
  /** Residential groups per commune, inclusive range. */
  residential: [number, number];
  /** Commune-level volunteer groups per commune, inclusive range. */
  communeGroups: [number, number];
  /** Members per group (leader and deputy included). */
  groupSizes: Weighted<number>[];
}

const SHAPES: Record<NationalScale, Shape> = {
  // 34 × ~97 ≈ 3,300 communes; × ~19.5 ≈ 64,000 residential groups; + ~3.4 commune-level groups a commune ≈ 75,000
  // volunteer groups; × ~4.7 ≈ 350,000 members.
  national: {
    provinces: 34,
    communes: [80, 114],
    residential: [17, 22],
    communeGroups: [2, 5],
    groupSizes: [
      [3, 14],
      [4, 28],
      [5, 30],
      [6, 18],
      [7, 10],
    ],
  },
  tiny: {
    provinces: 2,
    communes: [5, 5],
    residential: [4, 4],
    communeGroups: [1, 1],
    groupSizes: [
      [2, 1],
      [3, 2],
      [4, 1],
    ],
  },
};

const VALID_FROM = '2025-07-01';
const FOUNDED_UNTIL = '2026-06-30';
const JOINED_UNTIL = '2026-10-31';
const CHUNK = 5_000;
/** Phones are +849 followed by 8 digits, counting up from here: unique without a lookup. */
const PHONE_BASE = 10_000_000;

export async function seedNational(dataSource: DataSource, options: NationalSeedOptions): Promise<NationalSeedReport> {
  const started = Date.now();
  const shape = SHAPES[options.scale];
  if (!shape) throw new Error(`seedNational: unknown scale ${String(options.scale)}`);
  const random = mulberry32(options.seed ?? 20250701);

  const counts = await dataSource.transaction(async (manager) => {
    await lockSeed(manager, 'cdtg:seed-national');
    if (await hasDemoUnits(manager, 'P01')) return null;
    return generate(manager, shape, random);
  });

  const ms = Date.now() - started;
  return counts ? { skipped: false, ...counts, ms } : { skipped: true, units: 0, groups: 0, members: 0, ms };
}

// ---------------------------------------------------------------------------------------------------------------
// Generation

interface Unit {
  id: string;
  code: string;
  name: string;
  /** The name without its type word, e.g. "Tân Phú". */
  place: string;
}

async function generate(manager: EntityManager, shape: Shape, random: Random) {
  const units = new Batch<DemoUnitRow>((rows) => insertDemoUnits(manager, rows));
  const groups = new Batch<DemoGroupRow>((rows) => insertDemoGroups(manager, rows));
  const members = new Batch<DemoMemberRow>((rows) => insertDemoMembers(manager, rows));
  const memberships = new Batch<DemoMembershipRow>((rows) => insertDemoMemberships(manager, rows));
  // Members before their memberships: whenever members are written, the memberships pointing at them follow.
  members.after = () => memberships.flush();

  const usedPlaces = new Set<string>();
  const communesOf: { commune: Unit; residential: Unit[] }[] = [];

  // The tree: units go in first (groups reference them), parents before children.
  for (let p = 1; p <= shape.provinces; p++) {
    const city = p <= Math.ceil((shape.provinces * 6) / 34);
    const provinceType = city ? 'Thành phố' : 'Tỉnh';
    const provincePlace = uniquePlace(random, usedPlaces);
    const province = { id: crypto.randomUUID(), code: `P${pad(p, 2)}`, name: `${provinceType} ${provincePlace}`, place: provincePlace };
    const provincePath = `/${province.id}/`;
    await units.add(unitRow(province, provinceType, 'province', null, provincePath, 0));

    const communeCount = between(random, ...shape.communes);
    const communePlaces = new Set<string>();
    for (let c = 1; c <= communeCount; c++) {
      const ward = random() < (city ? 0.6 : 0.15);
      const communeType = ward ? 'Phường' : 'Xã';
      const communePlace = uniquePlace(random, communePlaces);
      const commune = { id: crypto.randomUUID(), code: `${province.code}C${pad(c, 3)}`, name: `${communeType} ${communePlace}`, place: communePlace };
      const communePath = `${provincePath}${commune.id}/`;
      await units.add(unitRow(commune, communeType, 'commune', province.id, communePath, 1));

      const residentialType = ward ? 'Tổ dân phố' : 'Thôn';
      const residential: Unit[] = [];
      const residentialCount = between(random, ...shape.residential);
      for (let r = 1; r <= residentialCount; r++) {
        const rg = { id: crypto.randomUUID(), code: `${commune.code}R${pad(r, 2)}`, name: `${residentialType} ${r}`, place: String(r) };
        await units.add(unitRow(rg, residentialType, 'residential_group', commune.id, `${communePath}${rg.id}/`, 2));
        residential.push(rg);
      }
      communesOf.push({ commune, residential });
    }
  }
  await units.flush();

  // Volunteer groups: a few at commune level (numbered after the first), one for every residential group.
  const founded: { id: string; founded: string; size: number }[] = [];
  const addGroup = async (unitId: string, name: string) => {
    const id = crypto.randomUUID();
    const day = dayBetween(random, VALID_FROM, FOUNDED_UNTIL);
    const status = random() < 0.012 ? 'suspended' : 'active';
    await groups.add({
      id,
      name,
      name_search: foldVietnamese(name),
      unit_id: unitId,
      decision_number: `${between(random, 1, 480)}/QĐ-UBND`,
      decision_date: day,
      status,
    });
    founded.push({ id, founded: day, size: pick(random, shape.groupSizes) });
  };
  for (const { commune, residential } of communesOf) {
    const communeGroups = between(random, ...shape.communeGroups);
    for (let n = 1; n <= communeGroups; n++) {
      await addGroup(commune.id, `Tổ công nghệ số cộng đồng ${commune.name}${n === 1 ? '' : ` số ${n}`}`);
    }
    for (const rg of residential) await addGroup(rg.id, `Tổ công nghệ số cộng đồng ${rg.name}, ${commune.place}`);
  }
  await groups.flush();

  // Members: a leader, a deputy and the rest of each group; one open membership each.
  let serial = 0;
  for (const group of founded) {
    for (let seat = 0; seat < group.size; seat++) {
      const id = crypto.randomUUID();
      const phone = `+849${PHONE_BASE + serial}`;
      const person = makePerson(random, ++serial, () => phone);
      const joined = seat < 2 ? group.founded : dayBetween(random, group.founded, JOINED_UNTIL);
      memberships.push({ group_id: group.id, member_id: id, role: seat === 0 ? 'leader' : seat === 1 ? 'deputy' : 'member', from_date: joined });
      await members.add(memberRow(id, person, joined));
    }
  }
  await members.flush();

  return { units: units.written, groups: groups.written, members: members.written };
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk insert: rows gathered in chunks of CHUNK, written by the owner's port (unnest: one array parameter per column)

/** A unit of the synthetic tree: in force from VALID_FROM, open-ended. */
function unitRow(unit: Unit, typeWord: string, kind: string, parentId: string | null, path: string, depth: number): DemoUnitRow {
  return {
    id: unit.id,
    code: unit.code,
    name: unit.name,
    type_word: typeWord,
    kind,
    parent_id: parentId,
    path,
    depth,
    valid_from: VALID_FROM,
    valid_to: null,
    synthetic: true,
  };
}

class Batch<R> {
  written = 0;
  after: () => Promise<void> = async () => undefined;
  private rows: R[] = [];

  constructor(private readonly write: (rows: R[]) => Promise<void>) {}

  /** Adds a row without ever writing (for rows written by another batch's `after`). */
  push(row: R): void {
    this.rows.push(row);
  }

  async add(row: R): Promise<void> {
    this.rows.push(row);
    if (this.rows.length >= CHUNK) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.rows.length) {
      const rows = this.rows;
      this.rows = [];
      await this.write(rows);
      this.written += rows.length;
    }
    await this.after();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Places and people

const PLACE_SYLLABLES = [
  'An',
  'Bình',
  'Phú',
  'Hòa',
  'Tân',
  'Long',
  'Thạnh',
  'Đông',
  'Tây',
  'Nam',
  'Bắc',
  'Hưng',
  'Thuận',
  'Phước',
  'Mỹ',
  'Vĩnh',
  'Quang',
  'Xuân',
  'Hiệp',
  'Lộc',
  'Trung',
  'Sơn',
  'Hải',
  'Thành',
  'Minh',
  'Khánh',
  'Hà',
  'Lâm',
  'Thới',
  'Định',
  'Phong',
  'Điền',
  'Thủy',
  'Cát',
  'Yên',
  'Kim',
  'Ngọc',
  'Hồng',
  'Đức',
  'Gia',
];

/** A two-syllable place name not yet in `used` (gives up on uniqueness after a few tries: names may repeat). */
function uniquePlace(random: Random, used: Set<string>): string {
  let name = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const first = choose(random, PLACE_SYLLABLES);
    let second = choose(random, PLACE_SYLLABLES);
    if (second === first) second = PLACE_SYLLABLES[(PLACE_SYLLABLES.indexOf(first) + 1) % PLACE_SYLLABLES.length];
    name = `${first} ${second}`;
    if (!used.has(name)) break;
  }
  used.add(name);
  return name;
}

// ---------------------------------------------------------------------------------------------------------------
// Seeded randomness

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
