import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Table ownership. A table belongs to the lib whose TypeORM entity maps it (@Entity('name') under libs/<lib>/src), or,
 * for the few tables without an entity, to the lib named in TABLES_WITHOUT_ENTITY. SQL in another lib's sources
 * (FROM/JOIN/INTO/UPDATE … <table>) is a cross-lib read or write: it fails this test unless the pair is in
 * CROSS_LIB_SQL, which records today's debts. Prefer calling the owner's service; if a read really belongs in SQL, add
 * the pair here with the reason. Specs and migrations are not scanned (libs/database/src/migrations creates every table).
 * The apps hold no SQL at all. No database is needed. See docs/boundaries.md.
 */
const root = resolve(__dirname, '../..');

const TABLES_WITHOUT_ENTITY: Record<string, string> = {
  geography_version: 'geography', // one row bumped by triggers on admin_unit and reorganisation_link
};

// Today's cross-lib SQL, 'lib -> table'. Remove a line when the debt is paid: stale lines fail the test too.
const CROSS_LIB_SQL = new Set([
  // access: scopes are admin-unit subtrees, resolved through the unit tree and its reorganisations (geography).
  'access -> admin_unit',
  'access -> reorganisation_link',
  // accounts: grants and actors are scoped to units and groups; users list their memberships; grants write audit rows.
  'accounts -> admin_unit',
  'accounts -> reorganisation',
  'accounts -> reorganisation_link',
  'accounts -> member',
  'accounts -> membership',
  'accounts -> volunteer_group',
  'accounts -> audit_event',
  // assists: entries are checked against units, groups, memberships and the session they belong to.
  'assists -> admin_unit',
  'assists -> reorganisation_link',
  'assists -> membership',
  'assists -> volunteer_group',
  'assists -> training_session',
  // directory: imports resolve unit codes.
  'directory -> admin_unit',
  // sessions: sessions are held by groups in units, assigned to members with accounts.
  'sessions -> admin_unit',
  'sessions -> member',
  'sessions -> membership',
  'sessions -> volunteer_group',
  'sessions -> user_account',
  // rollups: the projections read every source they count, and the change feed.
  'rollups -> admin_unit',
  'rollups -> reorganisation_link',
  'rollups -> geography_version',
  'rollups -> assist_entry',
  'rollups -> household',
  'rollups -> household_count',
  'rollups -> training_session',
  'rollups -> session_assignment',
  'rollups -> user_account',
  'rollups -> role_grant',
  'rollups -> change_event',
  // demo: seeds a whole city in bulk SQL.
  'demo -> admin_unit',
  'demo -> reorganisation',
  'demo -> reorganisation_link',
  'demo -> member',
  'demo -> membership',
  'demo -> volunteer_group',
  'demo -> user_account',
  'demo -> role_grant',
  'demo -> training_session',
  'demo -> assist_entry',
]);

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

  it('allows SQL on another lib’s tables only where CROSS_LIB_SQL records it', () => {
    const found = new Map<string, Set<string>>();
    for (const lib of libs) {
      for (const file of sources(join(root, 'libs', lib, 'src'))) {
        for (const [, table] of readFileSync(file, 'utf8').matchAll(SQL_TABLE)) {
          const of = owner.get(table);
          if (!of || of === lib) continue;
          const pair = `${lib} -> ${table}`;
          if (!found.has(pair)) found.set(pair, new Set());
          found.get(pair)!.add(relative(root, file));
        }
      }
    }
    const undeclared = [...found]
      .filter(([pair]) => !CROSS_LIB_SQL.has(pair))
      .map(([pair, files]) => `${pair} (owned by ${owner.get(pair.split(' -> ')[1])}; in ${[...files].join(', ')})`);
    expect(undeclared).toEqual([]);
    const stale = [...CROSS_LIB_SQL].filter((pair) => !found.has(pair));
    expect(stale).toEqual([]);
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
