/**
 * The population register as access control needs it: who is someone's guardian, who has
 * protected identity, who has died. In production this is the national register (Skatteverket's
 * folkbokföring, read at every login, since guardianship, protection and death change without
 * telling us) through the national person service PU (`national/person-register.ts`); the demo
 * runs the same adapter against a simulated PU (`demo/register.ts`). The policy never calls it: the
 * caller looks the facts up and hands them to the pure decision functions.
 */

/** What the register says about one person. Identity numbers are 12 digits, no separator. */
export interface RegisterPerson {
  /** YYYY-MM-DD; for a samordningsnummer the real date, not the day + 60. */
  readonly birthDate: string;
  /** YYYY-MM-DD when registered as deceased. */
  readonly deceasedOn?: string;
  /** Skyddade personuppgifter (sekretessmarkering, skyddad folkbokföring, fingerade personuppgifter). */
  readonly protectedIdentity: boolean;
  /** The person's guardians (vårdnadshavare). */
  readonly guardians: readonly string[];
  /** The person's children as the register lists them; the policy also checks each child's own guardians. */
  readonly children: readonly string[];
  /** Given and family name, as the register has them (shown to the person and their guardians). */
  readonly givenName?: string;
  readonly familyName?: string;
}

export interface PopulationRegister {
  /**
   * Undefined when the register does not know the number (the policy then refuses). When the
   * register cannot answer, it throws REGISTER_UNAVAILABLE: access is refused, never guessed.
   */
  person(personnummer: string): Promise<RegisterPerson | undefined>;
}

/** What the register says about the viewer and the subject of one request. */
export interface RegisterFacts {
  readonly viewer: RegisterPerson | undefined;
  readonly subject: RegisterPerson | undefined;
}

/** Both people of a request, looked up together (once when a resident reads their own record). */
export async function lookUpFacts(register: PopulationRegister, viewer: string, subject: string): Promise<RegisterFacts> {
  if (viewer === subject) {
    const person = await register.person(viewer);
    return { viewer: person, subject: person };
  }
  const [v, s] = await Promise.all([register.person(viewer), register.person(subject)]);
  return { viewer: v, subject: s };
}
