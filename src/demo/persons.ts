import type { AdminRole } from '../admin/roles.js';
import { demoAdmins } from './admins.js';
import { ageOn } from '../domain/identifiers/index.js';
import type { DemoPerson } from '../identity-provider/index.js';
import { SPECIAL_INDEXES, type Population, type SpecialCase } from '../simulators/population.js';

/**
 * The test persons the demo login offers: every special case of the synthetic population (so
 * each access rule can be tried: a guardian of children of each age, a protected child's
 * guardian, the deceased, a samordningsnummer holder, care in several regions), then a few more.
 */

const WHY: Record<SpecialCase, string> = {
  tolvan: 'Skatteverkets testperson, vård i flera regioner',
  guardianA: 'vårdnadshavare till tre barn (under 13, 13–15, 16–17)',
  guardianB: 'vårdnadshavare till samma tre barn',
  child0to12: 'barn under 13 år',
  child13to15: 'barn 13–15 år',
  child16to17: 'ungdom 16–17 år',
  protectedChild: 'barn med skyddade personuppgifter',
  protectedChildGuardian: 'vårdnadshavare till barn med skyddade personuppgifter',
  deceased: 'avliden',
  samordningsnummer: 'har samordningsnummer',
  multiRegion: 'vård i tre regioner, bland annat psykiatrisk slutenvård',
};

const ADMIN_WHY: Record<AdminRole, string> = {
  operator: 'administratör: nationell förvaltning',
  careProviderAdmin: 'administratör för Region Skåne',
  auditor: 'granskare (läsbehörighet)',
};

export function demoPersons(population: Population, extra = 8): DemoPerson[] {
  const today = new Date();
  const label = (index: number, why?: string) => {
    const r = population.residentAt(index);
    const number = `${r.personnummer.slice(0, 8)}-${r.personnummer.slice(8)}`;
    let age = '';
    try {
      age = `, ${ageOn(r, today)} år`;
    } catch {
      // A birth date after today cannot happen in the generator; leave the age out if it did.
    }
    return { personnummer: r.personnummer, givenName: r.givenName, familyName: r.familyName, label: `${r.givenName} ${r.familyName}, ${number}${age}${why ? ` – ${why}` : ''}` };
  };
  const specials = (Object.entries(SPECIAL_INDEXES) as [SpecialCase, number][]).filter(([, i]) => i < population.size).map(([which, i]) => label(i, WHY[which]));
  const adminList = demoAdmins(population, today);
  const admins = adminList.map((a) => label(a.index, ADMIN_WHY[a.role]));
  const taken = new Set(adminList.map((a) => a.index));
  const first = Math.max(...Object.values(SPECIAL_INDEXES)) + 1;
  const more: DemoPerson[] = [];
  for (let i = first; i < population.size && more.length < extra; i++) if (!taken.has(i)) more.push(label(i));
  return [...specials, ...admins, ...more];
}
