import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateAgainstSchema } from '../contracts/schema-validation.js';
import { soapFault } from '../contracts/soap.js';
import { RIVTA_DIR, SAMPLES_DIR, substitutePlaceholders } from '../testing/rivta.js';
import { JOURNALEN_HSA_ID, type Engagement, type EngagementInput } from './engagement.js';
import {
  buildFindContentRequest,
  buildFindContentResponse,
  buildProcessNotificationRequest,
  buildProcessNotificationResponse,
  buildUpdateRequest,
  buildUpdateResponse,
  ENGAGEMENT_INDEX_INTERACTIONS,
  readFindContentRequest,
  readFindContentResponse,
  readProcessNotificationRequest,
  readProcessNotificationResponse,
  readUpdateRequest,
  readUpdateResponse,
  type EngagementIndexOperation,
} from './messages.js';

const schema = (operation: EngagementIndexOperation) => path.join(RIVTA_DIR, ENGAGEMENT_INDEX_INTERACTIONS[operation].responderXsd);
const expectValid = (xml: string, operation: EngagementIndexOperation) =>
  expect(validateAgainstSchema(xml, schema(operation))).toEqual({ valid: true, errors: [] });

const DESCRIPTION = 'riv:clinicalprocess:healthcond:description';
const TAKECARE = 'SE2321000016-TC01';

const dia: EngagementInput = {
  registeredResidentIdentification: '191212121212',
  serviceDomain: DESCRIPTION,
  categorization: 'dia',
  logicalAddress: TAKECARE,
  sourceSystem: TAKECARE,
  dataController: 'SE2321000016-0001',
  mostRecentContent: new Date('2026-03-04T09:15:00+01:00'),
};
const voo: EngagementInput = { ...dia, categorization: 'voo', mostRecentContent: new Date('2026-07-01T12:00:00+02:00') };

const stored: Engagement = {
  id: 'a'.repeat(64),
  registeredResidentIdentification: '191212121212',
  serviceDomain: DESCRIPTION,
  categorization: 'upp',
  logicalAddress: TAKECARE,
  businessObjectInstanceIdentifier: 'NA',
  clinicalProcessInterestId: 'NA',
  sourceSystem: TAKECARE,
  dataController: 'SE2321000016-0001',
  owner: JOURNALEN_HSA_ID,
  mostRecentContent: new Date('2026-03-04T09:15:00+01:00'),
  creationTime: new Date('2026-03-04T10:00:00+01:00'),
  updateTime: new Date('2026-06-01T08:30:00+02:00'),
};

describe('Update messages', () => {
  it('builds requests that validate against the schema and read back the same', () => {
    const xml = buildUpdateRequest([dia, voo], { deleteFlags: [false, true] });
    expectValid(xml, 'Update');
    const read = readUpdateRequest(xml);
    expect(read).toEqual({
      soap: true,
      logicalAddress: JOURNALEN_HSA_ID,
      transactions: [
        { deleteFlag: false, engagement: { ...dia, businessObjectInstanceIdentifier: 'NA', clinicalProcessInterestId: 'NA' } },
        // A deletion carries no mostRecentContent (general update constraints).
        { deleteFlag: true, engagement: { ...voo, businessObjectInstanceIdentifier: 'NA', clinicalProcessInterestId: 'NA', mostRecentContent: undefined } },
      ].map((t) => ({ ...t, engagement: Object.fromEntries(Object.entries(t.engagement).filter(([, v]) => v !== undefined)) })),
    });
  });

  it('writes mostRecentContent as Swedish local time and leaves owner to the index', () => {
    const xml = buildUpdateRequest([{ ...dia, owner: JOURNALEN_HSA_ID }]);
    expect(xml).toContain('<ei:mostRecentContent>20260304091500</ei:mostRecentContent>');
    expect(xml).not.toContain('owner>');
    expect(xml).not.toMatch(/creationTime|updateTime/);
    // Addressed to another index, that index is the owner.
    expect(buildUpdateRequest([dia], { logicalAddress: 'SE2321000016-EI01' })).toContain('>SE2321000016-EI01</LogicalAddress>');
    // An explicit other owner is sent as asked (and an index will refuse it).
    expect(buildUpdateRequest([{ ...dia, owner: 'SE2321000016-EI01' }])).toContain('<ei:owner>SE2321000016-EI01</ei:owner>');
  });

  it('escapes text', () => {
    const xml = buildUpdateRequest([{ ...dia, dataController: 'A&B <C>' }]);
    expectValid(xml, 'Update');
    expect(readUpdateRequest(xml).transactions[0]?.engagement.dataController).toBe('A&B <C>');
  });

  it('refuses to build what an index would refuse, naming the engagement', () => {
    expect(() => buildUpdateRequest([])).toThrow(expect.objectContaining({ code: 'JOURNALEN_INPUT_INVALID', details: { field: 'engagements' } }));
    expect(() => buildUpdateRequest(Array.from({ length: 1001 }, (_, i) => ({ ...dia, categorization: `c${i}` })))).toThrow(/at most 1000/);
    expect(() => buildUpdateRequest([dia, { ...dia, registeredResidentIdentification: '121212-1212' }])).toThrow(
      expect.objectContaining({ details: { field: 'engagements[1].registeredResidentIdentification' } }),
    );
    expect(() => buildUpdateRequest([dia, { ...dia, sourceSystem: '' }])).toThrow('engagements[1].sourceSystem: is empty');
    expect(() => buildUpdateRequest([dia, voo, dia])).toThrow('engagements[2]: is the same engagement as engagements[0]; an index refuses both (EI002)');
    expect(() => buildUpdateRequest([dia, voo], { deleteFlags: [true] })).toThrow(expect.objectContaining({ details: { field: 'deleteFlags' } }));
  });

  it('builds and reads both responses', () => {
    for (const [xml, expected] of [
      [buildUpdateResponse('OK'), { kind: 'result', resultCode: 'OK' }],
      [buildUpdateResponse('ERROR', 'rule "EI002" broken'), { kind: 'result', resultCode: 'ERROR', comment: 'rule "EI002" broken' }],
    ] as const) {
      expectValid(xml, 'Update');
      expect(readUpdateResponse(xml)).toEqual(expected);
    }
    expect(readUpdateResponse(soapFault('soapenv:Client', 'nope'))).toEqual({ kind: 'fault', fault: { kind: 'soapFault', code: 'soapenv:Client', message: 'nope' } });
    expect(() => readUpdateResponse(buildProcessNotificationResponse('OK'))).toThrow(/expected a <UpdateResponse>/);
  });
});

describe('ProcessNotification messages', () => {
  it('carries owner and a stored engagement\'s times, valid against the schema', () => {
    const xml = buildProcessNotificationRequest([stored, dia], { logicalAddress: 'SE2321000016-EI01', deleteFlags: [false, true] });
    expectValid(xml, 'ProcessNotification');
    const [first, second] = readProcessNotificationRequest(xml).transactions;
    expect(first?.engagement).toMatchObject({ owner: JOURNALEN_HSA_ID, creationTime: stored.creationTime, updateTime: stored.updateTime, mostRecentContent: stored.mostRecentContent });
    expect(second).toMatchObject({ deleteFlag: true, engagement: { owner: JOURNALEN_HSA_ID } });
    expect(second?.engagement.mostRecentContent).toBeUndefined();
    const response = buildProcessNotificationResponse('OK', '1 created');
    expectValid(response, 'ProcessNotification');
    expect(readProcessNotificationResponse(response)).toEqual({ kind: 'result', resultCode: 'OK', comment: '1 created' });
  });
});

describe('FindContent messages', () => {
  it('builds a request with every filter, valid and read back the same', () => {
    const query = {
      registeredResidentIdentification: '191212121212',
      serviceDomain: DESCRIPTION,
      categorization: 'dia',
      logicalAddress: TAKECARE,
      businessObjectInstanceIdentifier: 'NA',
      clinicalProcessInterestId: 'NA',
      mostRecentContent: new Date('2026-01-01T00:00:00+01:00'),
      sourceSystem: TAKECARE,
      dataController: 'SE2321000016-0001',
      owner: JOURNALEN_HSA_ID,
    };
    const xml = buildFindContentRequest(query);
    expectValid(xml, 'FindContent');
    expect(readFindContentRequest(xml)).toEqual({ soap: true, logicalAddress: JOURNALEN_HSA_ID, query });
    const minimal = buildFindContentRequest({ registeredResidentIdentification: '191212121212', serviceDomain: DESCRIPTION }, { logicalAddress: '5565594230' });
    expectValid(minimal, 'FindContent');
    expect(readFindContentRequest(minimal)).toEqual({ soap: true, logicalAddress: '5565594230', query: { registeredResidentIdentification: '191212121212', serviceDomain: DESCRIPTION } });
    expect(() => buildFindContentRequest({ registeredResidentIdentification: '1912121212', serviceDomain: DESCRIPTION })).toThrow(
      expect.objectContaining({ details: { field: 'registeredResidentIdentification' } }),
    );
  });

  it('builds responses, empty or with stored engagements, valid and read back the same', () => {
    const empty = buildFindContentResponse([]);
    expectValid(empty, 'FindContent');
    expect(readFindContentResponse(empty)).toEqual({ kind: 'engagements', engagements: [] });
    const xml = buildFindContentResponse([stored, { ...stored, categorization: 'dia', mostRecentContent: null, updateTime: null }]);
    expectValid(xml, 'FindContent');
    const { id: _id, ...wire } = stored;
    const answer = readFindContentResponse(xml);
    expect(answer).toEqual({
      kind: 'engagements',
      engagements: [wire, { ...wire, categorization: 'dia', mostRecentContent: undefined, updateTime: undefined }].map((e) =>
        Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)),
      ),
    });
  });
});

describe('reading hostile or wrong messages', () => {
  const update = buildUpdateRequest([dia]);
  const refused = (xml: string, read: (xml: string) => unknown = readUpdateRequest) => {
    try {
      read(xml);
    } catch (error) {
      return error as { code: string; message: string; details: Record<string, unknown> };
    }
    throw new Error('was read');
  };

  it('refuses a DTD, so no entity is ever expanded', () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>${update.replace('<?xml version="1.0" encoding="UTF-8"?>', '').replace('dia<', '&lol2;<')}`;
    expect(refused(laughs)).toMatchObject({ code: 'JOURNALEN_INPUT_INVALID', details: { reason: 'dtdForbidden' } });
    const xxe = `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${update.replace('<?xml version="1.0" encoding="UTF-8"?>', '')}`;
    expect(refused(xxe).message).toContain('DOCTYPE');
  });

  it('refuses malformed, truncated, too deep and too large XML', () => {
    expect(refused(update.slice(0, -30)).details.reason).toBe('malformed');
    expect(refused('').code).toBe('JOURNALEN_INPUT_INVALID');
    const deep = update.replace('<ei:dataController>', `${'<x>'.repeat(100)}${'</x>'.repeat(100)}<ei:dataController>`);
    expect(refused(deep).details.reason).toBe('tooDeep');
    expect(refused(update, (xml) => readUpdateRequest(xml, { maxBytes: 500, maxDepth: 64 })).details.reason).toBe('tooLarge');
  });

  it('refuses a wrong namespace or another interaction', () => {
    const wrongNs = update.replace(`xmlns="urn:riv:itintegration:engagementindex:UpdateResponder:1"`, 'xmlns="urn:riv:itintegration:engagementindex:UpdateResponder:2"');
    expect(refused(wrongNs)).toMatchObject({ details: { reason: 'wrongNamespace', field: 'Body' } });
    expect(refused(wrongNs).message).toContain('must be in namespace urn:riv:itintegration:engagementindex:UpdateResponder:1');
    expect(refused(update, readFindContentRequest)).toMatchObject({ details: { reason: 'wrongOperation' } });
    expect(refused(soapFault('soapenv:Server', 'x')).message).toBe('Body: a request must not be a SOAP Fault (expected <Update>)');
  });

  it('names the element that is missing, repeated or malformed, in XPath terms', () => {
    const second = buildUpdateRequest([dia, voo]);
    const cut = (xml: string, from: string, to: string, nth = 1) => {
      let at = -1;
      for (let i = 0; i < nth; i++) at = xml.indexOf(from, at + 1);
      return xml.slice(0, at) + to + xml.slice(xml.indexOf('>', xml.indexOf(`</${from.slice(1)}`, at)) + 1);
    };
    expect(refused(cut(second, '<ei:categorization', '', 2)).message).toBe('engagementTransaction[2]/engagement/categorization: is missing');
    expect(refused(second.replace('<ei:deleteFlag>false', '<ei:deleteFlag>maybe')).message).toBe('engagementTransaction[1]/deleteFlag: must be true or false');
    expect(refused(second.replace('<ei:mostRecentContent>20260304091500', '<ei:mostRecentContent>2026-03-04')).message).toBe(
      'engagementTransaction[1]/engagement/mostRecentContent: must be a timestamp YYYYMMDDhhmmss (Swedish local time)',
    );
    expect(refused(second.replace('<ei:dataController>', '<ei:dataController>X</ei:dataController><ei:dataController>')).message).toBe(
      'engagementTransaction[1]/engagement/dataController: occurs 2 times; at most once allowed',
    );
    expect(refused(second.replace(/<engagementTransaction>.*<\/engagementTransaction>/, '')).message).toBe('engagementTransaction: at least one is required');
  });

  it('reads empty values as empty, for the rules to refuse', () => {
    const xml = buildUpdateRequest([dia]).replace('<ei:categorization>dia</ei:categorization>', '<ei:categorization></ei:categorization>');
    expect(readUpdateRequest(xml).transactions[0]?.engagement.categorization).toBe('');
  });
});

// ---- The official samples ----------------------------------------------------------------------

const EI_SAMPLES = path.join(SAMPLES_DIR, 'engagementindex');

/** Values for the EI samples' SoapUI placeholders that the generic substitution would make invalid. */
const EI_PLACEHOLDERS: Record<string, string> = {
  registeredResidentIdentification: '191212121212',
  citizenId1: '191212121212',
  serviceDomain: DESCRIPTION,
  categorization: 'dia',
  mostRecentContent: '20261123120000',
  sourceSystem: 'SE2321000016-SRC1',
  dataController: 'SE2321000016-0001',
};
const sample = (file: string) =>
  substitutePlaceholders(readFileSync(path.join(EI_SAMPLES, file), 'utf8').replace(/\$\{([^}]+)\}/g, (m, name: string) => EI_PLACEHOLDERS[name] ?? m));

/** Every sample that is a message (not test-suite parameters or Schematron), with how to read it. */
const MESSAGE_SAMPLES: Record<string, { operation: EngagementIndexOperation; read: (xml: string) => unknown }> = {
  'FindContent.xml': { operation: 'FindContent', read: readFindContentRequest },
  'FindContent_OK.xml': { operation: 'FindContent', read: readFindContentRequest },
  'ProcessNotification.xml': { operation: 'ProcessNotification', read: readProcessNotificationRequest },
  'Update_example_from_TD_ENGAGEMENTINDEX_1_0_R.xml': { operation: 'Update', read: readUpdateRequest },
  'official_Update_example.xml': { operation: 'Update', read: readUpdateRequest },
  'official_mock_1.0_FindContentMock_Basic-Response.xml': { operation: 'FindContent', read: readFindContentResponse },
  'official_mock_1.0_FindContentMock_Empty-Response.xml': { operation: 'FindContent', read: readFindContentResponse },
  'official_mock_1.0_FindContentMock_Multiple.xml': { operation: 'FindContent', read: readFindContentResponse },
  'official_mock_1.0_UpdateMock_Error.xml': { operation: 'Update', read: readUpdateResponse },
  'official_mock_1.0_UpdateMock_OK.xml': { operation: 'Update', read: readUpdateResponse },
};

describe('the official engagement index samples', () => {
  it('are all accounted for: messages here, the rest test-suite parameters and Schematron', () => {
    const files = readdirSync(EI_SAMPLES).filter((f) => f.endsWith('.xml'));
    const other = files.filter((f) => !(f in MESSAGE_SAMPLES));
    expect(other.every((f) => /^official_(testsuite_|[A-Za-z]+Mock_mockdata)/.test(f))).toBe(true);
    expect(Object.keys(MESSAGE_SAMPLES).every((f) => files.includes(f))).toBe(true);
  });

  it.each(Object.entries(MESSAGE_SAMPLES))('%s: read exactly when the schema accepts it', (file, { operation, read }) => {
    const xml = sample(file);
    const verdict = validateAgainstSchema(xml, schema(operation));
    let readError: unknown;
    try {
      read(xml);
    } catch (error) {
      readError = error;
    }
    expect({ file, read: readError === undefined }).toEqual({ file, read: verdict.valid });
  });

  it('reads FindContent.xml', () => {
    expect(readFindContentRequest(sample('FindContent.xml'))).toEqual({
      soap: true,
      logicalAddress: 'ei-hsa-id',
      query: { registeredResidentIdentification: '191212121212', serviceDomain: 'TEST-DOMAIN' },
    });
    expect(readFindContentRequest(sample('FindContent_OK.xml')).query.serviceDomain).toBe('urn:riv:test:domain-1');
  });

  it('refuses ProcessNotification.xml, the negative example, saying why', () => {
    expect(() => readProcessNotificationRequest(sample('ProcessNotification.xml'))).toThrow(
      expect.objectContaining({
        code: 'JOURNALEN_INPUT_INVALID',
        details: { field: 'engagementTransaction[1]/engagement/registeredResidentIdentification' },
        message: expect.stringContaining('must be 12 characters matching [0-9]{8}[0-9A-Zptf]{4}'),
      }),
    );
  });

  it('reads the TKB Update examples, bare documents with five transactions', () => {
    for (const file of ['Update_example_from_TD_ENGAGEMENTINDEX_1_0_R.xml', 'official_Update_example.xml']) {
      const read = readUpdateRequest(sample(file));
      expect(read.soap).toBe(false);
      expect(read.transactions.map((t) => [t.deleteFlag, t.engagement.serviceDomain, t.engagement.categorization])).toEqual([
        [false, 'crm:scheduling', 'Booking'],
        [true, 'crm:scheduling', 'Invitation'],
        [false, 'ehr:patientsummary', 'infotyp i NPÖ'],
        [false, 'ehr:accesscontrol', 'TGP'],
        [false, 'pas:enrollment', 'Enrolled'],
      ]);
      expect(read.transactions[0]?.engagement.mostRecentContent).toEqual(new Date('2011-12-13T12:40:00+01:00'));
      expect(read.transactions[3]?.engagement.logicalAddress).toBe('länskod för landstinget>#hsaid för vårdgivare#hsaid för VEH');
    }
    expect(readUpdateRequest(sample('official_Update_example.xml')).transactions[0]?.engagement.registeredResidentIdentification).toBe('38760623AA54');
  });

  it('reads the official FindContent and Update mock responses', () => {
    const multiple = readFindContentResponse(sample('official_mock_1.0_FindContentMock_Multiple.xml'));
    expect(multiple.kind === 'engagements' && multiple.engagements.map((e) => [e.serviceDomain, e.categorization, e.owner])).toEqual([
      [DESCRIPTION, 'voo', '5565594230'],
      [DESCRIPTION, 'upp', '5565594230'],
    ]);
    const basic = readFindContentResponse(sample('official_mock_1.0_FindContentMock_Basic-Response.xml'));
    expect(basic.kind === 'engagements' && basic.engagements[0]).toMatchObject({ businessObjectInstanceIdentifier: 'NA', creationTime: expect.any(Date) });
    expect(readFindContentResponse(sample('official_mock_1.0_FindContentMock_Empty-Response.xml'))).toEqual({ kind: 'engagements', engagements: [] });
    expect(readUpdateResponse(sample('official_mock_1.0_UpdateMock_OK.xml'))).toEqual({ kind: 'result', resultCode: 'OK' });
    expect(readUpdateResponse(sample('official_mock_1.0_UpdateMock_Error.xml'))).toMatchObject({ kind: 'result', resultCode: 'ERROR', comment: expect.any(String) });
  });
});
