/**
 * Module boundaries, checked by dependency-cruiser in `npm run lint` (see docs/boundaries.md).
 *
 * LIB_TIERS is the layer order, lowest first, derived from the import graph as it is. A lib may import only libs in
 * strictly lower tiers: an import sideways (same tier) or upward is an error. To add an edge that the order forbids,
 * move the shared concept down a tier, or move the lib up if that is what it really is; do not add exceptions here.
 */
const LIB_TIERS = [
  ['errors', 'config'], // foundation: import no other lib
  ['text', 'time'], // foundation: errors only
  ['database'], // SQL helpers, typed SQL, the generated schema types, entities base (config, errors)
  ['access'], // scopes and roles (config); reads units through geography's SQL functions (database)
  ['audit', 'queue'], // audit reads DataScope from access
  ['geography', 'notifications'],
  ['directory'],
  ['accounts'],
  ['sessions'], // reads accounts (who an assignment's e-mail goes to, in which language)
  ['assists'], // imports sessions
  ['rollups'], // reads assists
  ['demo'], // seeds through accounts, assists, rollups
  ['runtime'], // composes every module, migrations, CLIs
];

// Exceptions to LIB_TIERS, each with the reason. Empty today: the graph has no upward or sideways edge.
const ALLOWED_UPWARD = [
  // { from: 'x', to: 'y', why: '…' },
];

// Rules the web console shares with the server by importing the very file (pure: no imports, browser-safe): the
// folding of Vietnamese text for search and the detector of citizens' ID and phone numbers in free text.
const BROWSER_SHARED = '^libs/text/src/(vietnamese|personal-numbers)\\.ts$';

const tierOf = new Map(LIB_TIERS.flatMap((libs, tier) => libs.map((lib) => [lib, tier])));
const layerRules = [...tierOf].flatMap(([lib, tier]) => {
  const notAllowed = [...tierOf]
    .filter(([other, t]) => other !== lib && t >= tier && !ALLOWED_UPWARD.some((a) => a.from === lib && a.to === other))
    .map(([other]) => other);
  if (notAllowed.length === 0) return [];
  return [
    {
      name: `layer-${lib}`,
      severity: 'error',
      comment: `libs/${lib} (tier ${tier}) may import only lower tiers; not ${notAllowed.join(', ')} (LIB_TIERS in .dependency-cruiser.cjs).`,
      from: { path: `^libs/${lib}/` },
      to: { path: `^libs/(${notAllowed.join('|')})/` },
    },
  ];
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, within a lib or across libs and apps.',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'libs-not-to-apps',
      severity: 'error',
      comment: 'Libs never import apps: apps compose libs, not the other way round.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'api-worker-apart',
      severity: 'error',
      comment: 'apps/api and apps/worker are deployed separately and share code only through libs (apps/standalone composes both).',
      from: { path: '^apps/(api|worker)/' },
      to: { path: '^apps/(api|worker|standalone)/', pathNot: '^apps/$1/' },
    },
    {
      name: 'web-is-a-browser-bundle',
      severity: 'error',
      comment:
        'apps/web runs in the browser: it talks to the API over GraphQL and imports nothing from libs/ or the other apps, except the pure rules it shares with the server (BROWSER_SHARED).',
      from: { path: '^apps/web/' },
      to: { path: '^(libs|apps/(api|worker|standalone))/', pathNot: BROWSER_SHARED },
    },
    {
      name: 'browser-shared-is-pure',
      severity: 'error',
      comment: 'A module the console shares with the server imports nothing: it must run in a browser as it is (BROWSER_SHARED).',
      from: { path: BROWSER_SHARED },
      to: {},
    },
    {
      name: 'lib-through-its-index',
      severity: 'error',
      comment: "Use another lib through '@cdtg/<lib>' (its src/index.ts), never a path into its files.",
      from: { path: '^((?:libs|apps)/[^/]+)/', pathNot: '^apps/web/' },
      to: { path: '^libs/[^/]+/src/(?!index\\.ts$)', pathNot: '^$1/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'Every import resolves (a missing package or a typo in a path).',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'A module nothing imports and that imports nothing is dead code (entry points and declarations aside).',
      from: { orphan: true, pathNot: ['\\.d\\.ts$', '\\.spec\\.ts$', '^apps/web/service-worker\\.js$'] },
      to: {},
    },
  ],
  options: {
    // The fixtures in test/fixtures/boundaries break these rules on purpose (test/service/boundaries.spec.ts).
    exclude: { path: '(^|/)(node_modules|dist)/|^test/fixtures/' },
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' }, // resolves @cdtg/* to libs/<lib>/src
    tsPreCompilationDeps: true, // type-only imports count too
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.js', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['require', 'import', 'node', 'default', 'types'],
      mainFields: ['main', 'module', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
