import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
  // accounts: grants and actors are scoped to units and groups; users list their memberships; grants write audit rows.
  'accounts -> admin_unit',
  'accounts -> reorganisation',
  'accounts -> reorganisation_link',
  'accounts -> member',
  'accounts -> membership',
  'accounts -> volunteer_group',
  'accounts -> audit_event',
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

/**
 * Typed SQL (docs/boundaries.md, typed-sql.ts in @cdtg/database). Statements are written with Kysely against the
 * generated schema types, through the lib's own db.ts (its tables only), so a renamed column or another lib's table is
 * a compile error. SQL text that names a table is allowed only in the files below, each with its reason; the list of
 * today's debts shrinks as files move to typed SQL (stale lines fail the test).
 */
const SQL_TEXT_FILES = new Map<string, string>([
  // Debts: SQL text still to move to typed queries.
  ...[
    'libs/accounts/src/actor.service.ts',
    'libs/accounts/src/auth.service.ts',
    'libs/accounts/src/grants.service.ts',
    'libs/accounts/src/sign-in-limits.ts',
    'libs/accounts/src/users.service.ts',
    'libs/demo/src/demo-accounts.ts',
    'libs/demo/src/demo-activity.ts',
    'libs/demo/src/demo-city.ts',
    'libs/demo/src/demo-sessions.ts',
    'libs/demo/src/national.ts',
    'libs/geography/src/admin-unit.repository.ts',
    'libs/geography/src/geography-import.service.ts',
    'libs/geography/src/lineage.ts',
    'libs/notifications/src/mail-delivery.service.ts',
    'libs/notifications/src/notification.service.ts',
    'libs/queue/src/change-feed.service.ts',
    'libs/queue/src/job-schedules.ts',
    'libs/queue/src/outbox-relay.ts',
    'libs/queue/src/outbox.service.ts',
    'libs/queue/src/processed-rows-purge.service.ts',
    'libs/queue/src/queue-admin.ts',
    'libs/queue/src/queue-workers.ts',
    'libs/rollups/src/coverage-export.service.ts',
    'libs/rollups/src/geography-map.service.ts',
    'libs/rollups/src/projector.service.ts',
    'libs/rollups/src/rebuild.service.ts',
    'libs/rollups/src/rollup-check.repository.ts',
    'libs/rollups/src/rollup.repository.ts',
    'libs/rollups/src/session-source.ts',
    'libs/sessions/src/session.repository.ts',
  ].map((file): [string, string] => [file, 'debt']),
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

  it('allows SQL on another lib’s tables only where CROSS_LIB_SQL records it', () => {
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
    const undeclared = [...found]
      .filter(([pair]) => !CROSS_LIB_SQL.has(pair))
      .map(([pair, files]) => `${pair} (owned by ${owner.get(pair.split(' -> ')[1])}; in ${[...files].join(', ')})`);
    expect(undeclared).toEqual([]);
    const stale = [...CROSS_LIB_SQL].filter((pair) => !found.has(pair));
    expect(stale).toEqual([]);
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
