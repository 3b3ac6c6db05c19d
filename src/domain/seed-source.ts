/**
 * Every value taken from the seed documents carries where it came from, so a reviewer can put
 * the data beside the document line by line (and a test does exactly that).
 */

export const SEED_SYSTEMS = '000_4ce2af865df94af0.txt' as const;
export const SEED_JOURNALEN = '002_06cdae585d96cb26.txt' as const;
export const RESEARCH_DOMAIN = 'research/journalen-domain.md' as const;

export type SeedDocument = typeof SEED_SYSTEMS | typeof SEED_JOURNALEN;

export interface SeedSource {
  /** File name under shared/seeds/. */
  readonly document: SeedDocument;
  /** 1-based line number in that file. */
  readonly line: number;
  /** The words on that line the value was read from, verbatim (a substring of the line). */
  readonly quote: string;
}

export const seed = (document: SeedDocument, line: number, quote: string): SeedSource => ({ document, line, quote });
