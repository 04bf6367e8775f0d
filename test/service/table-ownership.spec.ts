import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Table ownership. A table belongs to the lib whose TypeORM entity maps it (@Entity('name') under libs/<lib>/src), or,
 * for the few tables without an entity, to the lib named in TABLES_WITHOUT_ENTITY. No lib names another lib's table,
 * in SQL text (FROM/JOIN/INTO/UPDATE … <table>) or in a typed query (selectFrom('<table>')…): it reads and writes them
 * through the owner's exports (its services, and its read ports in libs/<owner>/src/ports/<reader>.ts). The typed
 * builders make that a compile error too (each lib's db.ts); this test also covers SQL text. Specs and migrations are
 * not scanned (libs/database/src/migrations creates every table). The apps hold no SQL at all. No database is needed.
 * See docs/boundaries.md.
 */
const root = resolve(__dirname, '../..');

const TABLES_WITHOUT_ENTITY: Record<string, string> = {
  geography_version: 'geography', // one row bumped by triggers on admin_unit and reorganisation_link
};

/**
 * Typed SQL (docs/boundaries.md, typed-sql.ts in @cdtg/database). Statements are written with Kysely against the
 * generated schema types, through the lib's own db.ts (its tables only), so a renamed column or another lib's table is
 * a compile error. SQL text that names a table is allowed only in the files below, each with its reason (a line no longer
 * needed fails the test too).
 */
const SQL_TEXT_FILES = new Map<string, string>([
  [
    'libs/rollups/src/rollup.repository.ts',
    "the rollup engine's bulk statements (cell upserts, packed coverage reads), generated from the measure registry; checked against an independent recount by rollups-consistency",
  ],
]);

/** Kysely builder calls that name a table: selectFrom('member as m'), innerJoin('membership'), insertInto(…)… */
const TYPED_TABLE = /\.(?:selectFrom|insertInto|updateTable|deleteFrom|mergeInto|innerJoin|leftJoin|rightJoin|fullJoin|using)\(\s*'([a-z_]+)/g;

const SQL_TABLE = /\b(?:FROM|JOIN|INTO|UPDATE|TABLE|TRUNCATE|USING)\s+(?:ONLY\s+)?"?([a-z_]+)\b/g;

function sources(dir: string, withMigrations = false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' && !withMigrations ? [] : sources(path, withMigrations);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const libs = readdirSync(join(root, 'libs'));

function owners(): Map<string, string> {
  const owner = new Map(Object.entries(TABLES_WITHOUT_ENTITY));
  for (const lib of libs) {
    for (const file of sources(join(root, 'libs', lib, 'src'))) {
      for (const [, table] of readFileSync(file, 'utf8').matchAll(/@Entity\('([a-z_]+)'/g)) {
        if (owner.has(table) && owner.get(table) !== lib) throw new Error(`${table} has two owners: ${owner.get(table)} and ${lib}`);
        owner.set(table, lib);
      }
    }
  }
  return owner;
}

describe('table ownership', () => {
  const owner = owners();

  it('gives every table the migrations create an owner', () => {
    const created = sources(join(root, 'libs/database/src/migrations'), true).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?"?([a-z_]+)/g)].map(([, table]) => table),
    );
    expect(created.length).toBeGreaterThan(0);
    expect([...new Set(created)].filter((table) => !owner.has(table))).toEqual([]);
  });

  it('lets no lib name another lib’s table: it goes through the owner’s services and read ports', () => {
    const found = new Map<string, Set<string>>();
    for (const lib of libs) {
      for (const file of sources(join(root, 'libs', lib, 'src'))) {
        const text = readFileSync(file, 'utf8');
        for (const [, table] of [...text.matchAll(SQL_TABLE), ...text.matchAll(TYPED_TABLE)]) {
          const of = owner.get(table);
          if (!of || of === lib) continue;
          const pair = `${lib} -> ${table}`;
          if (!found.has(pair)) found.set(pair, new Set());
          found.get(pair)!.add(relative(root, file));
        }
      }
    }
    const crossing = [...found].map(([pair, files]) => `${pair} (owned by ${owner.get(pair.split(' -> ')[1])}; in ${[...files].join(', ')})`);
    expect(crossing).toEqual([]);
  });

  it('gives each lib a typed query builder over the tables it owns and no other (its db.ts)', () => {
    const checked = libs.filter((lib) => existsSync(join(root, 'libs', lib, 'src/db.ts')));
    expect(checked.length).toBeGreaterThan(5);
    const wrong = checked.flatMap((lib) => {
      const picked = [...readFileSync(join(root, 'libs', lib, 'src/db.ts'), 'utf8').matchAll(/'([a-z_]+)'/g)].map(([, table]) => table);
      return picked.filter((table) => owner.get(table) !== lib).map((table) => `${lib} picks ${table} (owned by ${owner.get(table) ?? 'nobody'})`);
    });
    expect(wrong).toEqual([]);
  });

  it('writes SQL that names tables only as typed queries, except where SQL_TEXT_FILES says why', () => {
    const found = libs.flatMap((lib) =>
      sources(join(root, 'libs', lib, 'src'))
        .filter((file) => [...readFileSync(file, 'utf8').matchAll(SQL_TABLE)].some(([, table]) => owner.has(table)))
        .map((file) => relative(root, file)),
    );
    expect(found.filter((file) => !SQL_TEXT_FILES.has(file))).toEqual([]);
    expect([...SQL_TEXT_FILES.keys()].filter((file) => !found.includes(file))).toEqual([]);
  });

  it('keeps SQL out of the apps: they call the libs, which own the tables', () => {
    const found = ['api', 'worker', 'standalone'].flatMap((app) =>
      sources(join(root, 'apps', app, 'src')).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(SQL_TABLE)].filter(([, table]) => owner.has(table)).map(([, table]) => `${relative(root, file)}: ${table}`),
      ),
    );
    expect(found).toEqual([]);
  });
});
