/**
 * The floors of the house (docs/architecture.md), checked by `npm run check:house`, which
 * `npm test` runs. The pure core is time/ → queue/ → domain/ → promise/ → policy/ → engine/:
 * a floor may import the floors below it, never one above. store/, durable/, simulation/, cli/
 * and testing/ are edges above the core: the core imports none of them. A folder's _internal/
 * is imported only from inside that folder. No import cycle, of files or through type-only
 * imports.
 */
const core = ['time', 'queue', 'domain', 'promise', 'policy', 'engine'];
const edges = ['store', 'durable', 'simulation', 'cli', 'testing'];
const folder = (names) => `^src/(${names.join('|')})/`;

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'Files must not import each other in a circle, type-only imports included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-no-edge',
      comment: 'The core (time/ … engine/) imports no edge and no entry point.',
      severity: 'error',
      from: { path: folder(core) },
      to: { path: [folder(edges), '^src/index\\.ts$'] },
    },
    {
      name: 'internal-stays-inside',
      comment: "A folder's _internal/ is its own machinery: only files of that folder import it.",
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/[^/]+/_internal/', pathNot: '^src/$1/' },
    },
    ...core.slice(0, -1).map((floor, i) => ({
      name: `${floor}-imports-no-floor-above`,
      comment: `${floor}/ is below ${core.slice(i + 1).join(', ')}: it imports none of them.`,
      severity: 'error',
      from: { path: folder([floor]) },
      to: { path: folder(core.slice(i + 1)) },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
