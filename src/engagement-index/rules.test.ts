import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { child, children, parseXml, text, type XmlNode } from '../contracts/xml.js';
import { SAMPLES_DIR } from '../testing/rivta.js';
import { JOURNALEN_HSA_ID, type EngagementInput } from './engagement.js';
import { buildUpdateRequest, readProcessNotificationRequest, readUpdateRequest, type TransactionsMessage } from './messages.js';
import { checkProcessNotification, checkUpdate, describeViolations, DOMAIN_UPDATE_RULES, domainRuleMessages } from './rules.js';

const CONSTRAINTS = path.join(SAMPLES_DIR, '_ei_update_constraints');
const context = { indexHsaId: JOURNALEN_HSA_ID };

function schematron(file: string): XmlNode {
  const parsed = parseXml(readFileSync(path.join(CONSTRAINTS, file), 'utf8'));
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return child(parsed.root, 'schema')!;
}
const patterns = (schema: XmlNode) => children(schema, 'pattern');
const asserts = (schema: XmlNode) => patterns(schema).flatMap((p) => children(p, 'rule')).flatMap((r) => children(r, 'assert'));

const dia: EngagementInput = {
  registeredResidentIdentification: '191212121212',
  serviceDomain: 'riv:clinicalprocess:healthcond:description',
  categorization: 'dia',
  logicalAddress: 'SE2321000016-TC01',
  sourceSystem: 'SE2321000016-TC01',
  dataController: 'SE2321000016-0001',
};
const message = (...engagements: EngagementInput[]): TransactionsMessage => readUpdateRequest(buildUpdateRequest(engagements));
const rulesBroken = (m: TransactionsMessage) => checkUpdate(m, context).map((v) => [v.transaction, v.rule, v.message]);

describe('the domain rules', () => {
  it.each(DOMAIN_UPDATE_RULES.map((r) => [r.serviceDomain, r]))('%s are the Schematron\'s, word for word', (_domain, rule) => {
    const schema = schematron(rule.source);
    const [pattern] = patterns(schema);
    expect(pattern?.['@_id']).toBe(`Domain ${rule.serviceDomain}`);
    expect(children(pattern, 'rule')[0]?.['@_context']).toBe(`urn2:engagement[urn2:serviceDomain='${rule.serviceDomain}']`);
    const all = asserts(schema);
    const categorizationTest = String(all[0]?.['@_test']);
    expect([...categorizationTest.matchAll(/categorization='([^']+)'/g)].map((m) => m[1])).toEqual(rule.categorizations);
    expect(all.map((a) => text(a))).toEqual(Object.values(domainRuleMessages(rule)));
  });

  it('allow the categorization of every contract version we speak in their domain', () => {
    for (const contract of CONTRACT_VERSIONS) {
      const rule = DOMAIN_UPDATE_RULES.find((r) => r.serviceDomain === contract.serviceDomain);
      if (rule) expect(rule.categorizations, contract.contract).toContain(contract.categorization);
    }
  });

  it('name the general update constraints by their Schematron pattern ids', () => {
    const ids = patterns(schematron('general_update_constraints.sch.xml')).map((p) => p['@_id']);
    expect(ids).toEqual(['No forbidden elements', 'No empty elements', 'No mostRecentContent on delete', 'Max number of records']);
  });
});

describe('checkUpdate', () => {
  it('passes a good message, and the official test suite\'s own Update', () => {
    expect(checkUpdate(message(dia, { ...dia, categorization: 'voo' }), context)).toEqual([]);
    // globaldata of the official UpdateEI test suite: the values a producer is tested with.
    const data = child(child(parseXmlOk(readFileSync(path.join(SAMPLES_DIR, 'engagementindex', 'official_testsuite_UpdateEI_data.xml'), 'utf8')), 'testsuite'), 'globaldata');
    const field = (name: string) => text(data, name)!;
    const official = message({
      registeredResidentIdentification: field('registeredResidentIdentification'),
      serviceDomain: field('serviceDomain'),
      categorization: field('categorization'),
      logicalAddress: field('logicalAddress'),
      sourceSystem: field('sourceSystem'),
      dataController: field('dataController'),
    });
    expect(checkUpdate(official, context)).toEqual([]);
  });

  it('names each domain rule broken', () => {
    const broken = message(
      { ...dia, categorization: 'xyz' },
      { ...dia, logicalAddress: 'SE2321000016-OTHER' },
      { ...dia, businessObjectInstanceIdentifier: 'doc-1' },
      { ...dia, serviceDomain: 'riv:clinicalprocess:activityprescription:actoutcome', categorization: 'caa-gmh', clinicalProcessInterestId: 'x' },
    );
    expect(rulesBroken(broken)).toEqual([
      [1, 'Domain riv:clinicalprocess:healthcond:description', "categorization value for riv:clinicalprocess:healthcond:description must be one of: 'voo', 'dia', 'upp', 'fun-fun', 'pad-pad'"],
      [2, 'Domain riv:clinicalprocess:healthcond:description', 'logicalAddress must equal sourceSystem for riv:clinicalprocess:healthcond:description'],
      [3, 'Domain riv:clinicalprocess:healthcond:description', "businessObjectInstanceIdentifier must be 'NA' for riv:clinicalprocess:healthcond:description"],
      [4, 'Domain riv:clinicalprocess:activityprescription:actoutcome', "clinicalProcessInterestId must be 'NA' for riv:clinicalprocess:activityprescription:actoutcome"],
    ]);
  });

  it('leaves domains without rules to their own conventions', () => {
    expect(checkUpdate(message({ ...dia, serviceDomain: 'crm:scheduling', categorization: 'Booking', businessObjectInstanceIdentifier: 'bookingId_873' }), context)).toEqual([]);
  });

  it('applies the general update constraints', () => {
    const xml = buildUpdateRequest([dia, { ...dia, categorization: 'voo' }], { deleteFlags: [false, true] })
      .replace('<ei:dataController>', '<ei:creationTime>20260101120000</ei:creationTime><ei:dataController>')
      .replace('</ei:dataController></ei:engagement>', '</ei:dataController><ei:owner>SE2321000016-EI01</ei:owner></ei:engagement>')
      .replace(/(<ei:categorization>voo<\/ei:categorization>.*?<ei:clinicalProcessInterestId>NA<\/ei:clinicalProcessInterestId>)/, '$1<ei:mostRecentContent>20260101120000</ei:mostRecentContent>');
    expect(rulesBroken(readUpdateRequest(xml))).toEqual([
      [1, 'No forbidden elements', 'creationTime MUST NOT be given in engagement (the index sets it)'],
      [1, 'No forbidden elements', 'owner MUST NOT be given in engagement (the index sets it)'],
      [2, 'No mostRecentContent on delete', 'mostRecentContent MUST NOT be given when deleteFlag=true'],
    ]);
    const empty = readUpdateRequest(buildUpdateRequest([dia]).replace('<ei:dataController>SE2321000016-0001<', '<ei:dataController><'));
    expect(rulesBroken(empty)).toEqual([[1, 'No empty elements', 'dataController should not be empty']]);
  });

  it('refuses more than 1000 transactions, duplicates, and a message for another index', () => {
    const many: TransactionsMessage = { soap: true, logicalAddress: JOURNALEN_HSA_ID, transactions: Array.from({ length: 1001 }, (_, i) => ({ deleteFlag: false, engagement: { ...message(dia).transactions[0]!.engagement, categorization: `c${i}`, serviceDomain: 'x' } })) };
    expect(checkUpdate(many, context).map((v) => v.rule)).toEqual(['Max number of records']);
    const once = message(dia);
    const twice: TransactionsMessage = { ...once, transactions: [once.transactions[0]!, { deleteFlag: true, engagement: once.transactions[0]!.engagement }] };
    expect(rulesBroken(twice)).toEqual([[2, 'EI002', 'the same engagement as engagementTransaction[1]; each engagement at most once per message']]);
    expect(rulesBroken({ ...once, logicalAddress: '5565594230' })).toEqual([[undefined, 'EI003', `the LogicalAddress header must be this index's HSA-id ${JOURNALEN_HSA_ID}; it is "5565594230"`]]);
    const { logicalAddress: _none, ...unaddressed } = once;
    expect(rulesBroken(unaddressed)[0]?.[2]).toMatch(/it is missing$/);
  });

  it('refuses engagements pointing at the platform itself (EI005, EI006) and over-long values (EI004)', () => {
    const self = message({ ...dia, logicalAddress: JOURNALEN_HSA_ID, sourceSystem: JOURNALEN_HSA_ID });
    expect(rulesBroken(self).map((v) => v[1])).toEqual(['EI005', 'EI006']);
    const agp = message({ ...dia, logicalAddress: '5565594230', sourceSystem: '5565594230' });
    expect(checkUpdate(agp, { ...context, reservedHsaIds: ['5565594230'] }).map((v) => v.rule)).toEqual(['EI005', 'EI006']);
    // The builder refuses this, so the message is edited.
    const long = readUpdateRequest(buildUpdateRequest([dia]).replace('>SE2321000016-0001<', `>${'X'.repeat(65)}<`));
    expect(rulesBroken(long)).toEqual([[1, 'EI004', 'dataController is 65 characters; at most 64 allowed']]);
  });

  it('words the ResultCode ERROR comment with each rule by name', () => {
    const comment = describeViolations(checkUpdate(message({ ...dia, categorization: 'xyz' }), context));
    expect(comment).toBe(
      `nothing was stored; a rule is broken: engagementTransaction[1]: rule "Domain riv:clinicalprocess:healthcond:description": categorization value for riv:clinicalprocess:healthcond:description must be one of: 'voo', 'dia', 'upp', 'fun-fun', 'pad-pad'`,
    );
    const many = describeViolations(Array.from({ length: 12 }, (_, i) => ({ rule: 'EI004', transaction: i + 1, message: 'x' })));
    expect(many).toMatch(/^nothing was stored; 12 rules are broken: .*; and 2 more$/);
  });
});

describe('checkProcessNotification', () => {
  it('requires owner, and applies the domain rules', () => {
    const notification = (owner: string | undefined) =>
      readProcessNotificationRequest(
        buildUpdateRequest([{ ...dia, categorization: 'xyz', ...(owner ? { owner } : {}) }])
          .replaceAll('UpdateResponder', 'ProcessNotificationResponder')
          .replace('<Update ', '<ProcessNotification ')
          .replace('</Update>', '</ProcessNotification>'),
      );
    expect(checkProcessNotification(notification(undefined), context).map((v) => v.rule)).toEqual(['EI004', 'Domain riv:clinicalprocess:healthcond:description']);
    expect(checkProcessNotification(notification('SE2321000016-EI01'), context).map((v) => v.rule)).toEqual(['Domain riv:clinicalprocess:healthcond:description']);
  });
});

function parseXmlOk(xml: string): XmlNode {
  const parsed = parseXml(xml);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.root;
}
