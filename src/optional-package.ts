/**
 * The packages only some features need: the SQLite and PostgreSQL drivers, the chart
 * library and the PostgreSQL job queue of distributed sweeps. They are optional peer dependencies, so that `npm install rushline` compiles no
 * native code and fetches no chart library, and they are loaded here, on the first call that
 * needs one, so that `import 'rushline'` loads none of them. A program that uses the feature
 * installs the package next to rushline; one that does not never pays for it.
 */
import { readFileSync } from 'node:fs';

/** The optional peer dependencies, as package.json names them. */
export type OptionalPackage = 'better-sqlite3' | 'postgres' | 'echarts' | 'pg-boss';

/** A feature was used whose optional package is not installed. The message says how to install it. */
export class MissingPackageError extends Error {
  override readonly name = 'MissingPackageError';
  constructor(
    /** The package that is missing. */
    readonly packageName: OptionalPackage,
    /** The command that installs it, e.g. `npm install better-sqlite3@^12.11.1`. */
    readonly install: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Loads an optional package. `neededBy` names the call that needs it, as the caller wrote it;
 * `load` is the `import()` of the package, written at the call site so that its types and
 * its name stay visible there. A package that is not installed is a `MissingPackageError`;
 * any other failure (a native binding built for another Node) is passed on as it is.
 */
export async function loadOptional<T>(
  name: OptionalPackage,
  neededBy: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isMissing(error, name)) throw error;
    const install = `npm install ${name}${versionRange(name)}`;
    throw new MissingPackageError(
      name,
      install,
      `${neededBy} needs the optional package ${name}, which is not installed: ${install}`,
      { cause: error },
    );
  }
}

/** Whether an import failed because the package itself is absent (not one of its own imports). */
function isMissing(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    (error as Error).message.includes(`'${name}'`)
  );
}

/**
 * The range rushline's package.json accepts for a peer, as `@range`, so that the install
 * command and the manifest cannot disagree. This file sits one folder below package.json both
 * in the sources and in the built package. Read only when a package is missing.
 */
function versionRange(name: OptionalPackage): string {
  try {
    const manifest = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    ) as { peerDependencies?: Record<string, string> };
    const range = manifest.peerDependencies?.[name];
    return range ? `@${range}` : '';
  } catch {
    return '';
  }
}
