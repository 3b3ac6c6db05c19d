import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The import graph's rules, checked over every source file. The simulated source systems and
 * the synthetic population are the demo's: production code must not reach them, or the demo's
 * people could leak into a real service (as the synthetic register once did). Only the demo's
 * wiring (src/demo/), test support (src/testing/), the simulators themselves, the entry point
 * (src/main.ts, which starts the demo when asked) and tests may import them.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SIMULATORS = 'src/simulators/';

interface Import {
  /** Repository-relative, with forward slashes. */
  readonly file: string;
  readonly specifier: string;
  /** The repository-relative path it points to; undefined for a package. */
  readonly target: string | undefined;
}

/**
 * Every module a file names: static imports (also `import type` and side-effect imports),
 * re-exports, dynamic `import('...')` with a literal and `require`. TypeScript's own scanner, so
 * comments and strings that only look like imports are not counted.
 */
function importsOf(file: string, source: string): Import[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles.map(({ fileName }) => ({ file, specifier: fileName, target: resolve(file, fileName) }));
}

function resolve(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
}

function mayImportSimulators(file: string): boolean {
  return (
    file === 'src/main.ts' ||
    ['src/demo/', 'src/testing/', SIMULATORS].some((dir) => file.startsWith(dir)) ||
    /\.test\.tsx?$/.test(file)
  );
}

const reachesSimulators = (target: string | undefined) => target !== undefined && (target === SIMULATORS.slice(0, -1) || target.startsWith(SIMULATORS));

/** The imports that break the rule, as `file -> specifier`. */
function simulatorViolations(imports: readonly Import[]): string[] {
  return imports.filter((i) => reachesSimulators(i.target) && !mayImportSimulators(i.file)).map((i) => `${i.file} -> ${i.specifier}`);
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

describe('import rules', () => {
  const files = sourceFiles('src');
  const imports = files.flatMap((file) => importsOf(file, readFileSync(path.join(ROOT, file), 'utf8')));

  it('reads the whole source tree', () => {
    // An empty or truncated walk would pass every rule; these bounds make that a failure.
    expect(files.length).toBeGreaterThan(100);
    expect(files).toContain('src/main.ts');
    expect(files).toContain('src/architecture.test.ts');
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.filter((i) => i.target !== undefined).length).toBeGreaterThan(300);
    // The allowed importers are seen importing the simulators: detection works on the real tree.
    const allowed = imports.filter((i) => reachesSimulators(i.target) && !i.file.endsWith('.test.ts')).map((i) => i.file);
    expect(allowed.some((f) => f.startsWith('src/demo/'))).toBe(true);
  });

  it('finds every form of import in a synthetic offender', () => {
    const offender = [
      "import { createPopulation } from '../simulators/population.js';",
      "import type { Population } from '../simulators/population.js';",
      "export { TOLVAN } from '../simulators/population.js';",
      "export * from '../simulators/cosmic.js';",
      "import '../simulators/side-effect.js';",
      "const later = await import('../simulators/producer.js');",
      "import sims from '../simulators';",
      "import deep from '../access/../simulators/index.js';",
      // Not imports: a comment, a string, and a look-alike folder.
      "// import { x } from '../simulators/comment.js';",
      "const text = \"from '../simulators/string.js'\";",
      "import { y } from '../simulators-notes/readme.js';",
    ].join('\n');
    expect(simulatorViolations(importsOf('src/admin/offender.ts', offender))).toEqual([
      'src/admin/offender.ts -> ../simulators/population.js',
      'src/admin/offender.ts -> ../simulators/population.js',
      'src/admin/offender.ts -> ../simulators/population.js',
      'src/admin/offender.ts -> ../simulators/cosmic.js',
      'src/admin/offender.ts -> ../simulators/side-effect.js',
      'src/admin/offender.ts -> ../simulators/producer.js',
      'src/admin/offender.ts -> ../simulators',
      'src/admin/offender.ts -> ../access/../simulators/index.js',
    ]);
    // The same text is allowed where the demo lives, in test support, in tests and in main.ts.
    for (const file of ['src/demo/offender.ts', 'src/testing/offender.ts', 'src/simulators/x/offender.ts', 'src/admin/offender.test.ts', 'src/web/offender.browser.test.ts', 'src/main.ts']) {
      expect(simulatorViolations(importsOf(file, offender)), file).toEqual([]);
    }
    // A file whose name merely starts like an allowed one is not allowed.
    expect(simulatorViolations(importsOf('src/demonstration.ts', "import './simulators/a.js';"))).toEqual(['src/demonstration.ts -> ./simulators/a.js']);
  });

  it('lets only src/demo, src/testing, src/simulators, src/main.ts and tests import src/simulators', () => {
    expect(simulatorViolations(imports)).toEqual([]);
  });
});
