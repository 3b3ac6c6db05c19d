// Parsing speed of producer responses: our contract parsers (XML → canonical items) against the
// `soap` package's client parsing (XML → plain objects, no mapping) on the same large responses.
// Prints numbers; not a test. Needs ../shared/rivta (the WSDLs). Run with `npm run bench:contracts`.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import soap from 'soap';
import { contractVersion } from '../dist/contracts/registry.js';
import { parseContractResponse } from '../dist/contracts/registry.js';
import { soapEnvelope } from '../dist/contracts/soap.js';

const RIVTA = fileURLToPath(new URL('../../shared/rivta/', import.meta.url));
const TIME_BUDGET_MS = 1500;

const NOTE_TEXT = 'Patienten söker för tilltagande andfåddhet sedan två veckor. Ingen feber. '.repeat(12);
const base = (i, infoType, contract, version) => ({
  id: `${contract}-${i}`, infoType, time: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000), signed: i % 5 !== 0,
  approvedForPatient: i % 50 !== 0, patientId: '191212121212', sourceSystemHsaId: 'SE2321000016-TC01',
  careGiver: { hsaId: 'SE2321000016-0001', name: 'Region Stockholm' }, careUnit: { hsaId: 'SE2321000016-VC01', name: 'Vårdcentralen Tolvan' },
  careUnitHsaId: 'SE2321000016-VC01',
  author: { hsaId: 'SE2321000016-DR01', name: 'Åsa Öberg', time: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000) },
  signer: i % 5 !== 0 ? { hsaId: 'SE2321000016-DR01', name: 'Åsa Öberg', time: new Date(Date.UTC(2026, 0, 2) + i * 3_600_000) } : undefined,
  codes: [], values: [], attributes: {}, provenance: { contract, version },
});

const CASES = [
  {
    contract: 'GetCareDocumentation', count: 200,
    item: (i) => ({ ...base(i, 'note', 'GetCareDocumentation', '3'), title: 'Besöksanteckning', text: NOTE_TEXT, codes: [{ code: 'besok', displayName: 'Besöksanteckning' }] }),
  },
  {
    contract: 'GetLaboratoryOrderOutcome', count: 500,
    item: (i) => ({
      ...base(i, 'labResult', 'GetLaboratoryOrderOutcome', '4'), title: 'Klinisk kemi', validated: i % 3 !== 0, resultType: 'final',
      values: [
        { name: 'B-Hemoglobin', code: { code: 'NPU28309', codeSystemName: 'NPU', displayName: 'B-Hemoglobin' }, value: '131', numeric: 131, unit: 'g/L', referenceInterval: { low: 117, high: 153, text: '117-153' } },
        { name: 'P-Kreatinin', code: { code: 'NPU18016', codeSystemName: 'NPU', displayName: 'P-Kreatinin' }, value: '88', numeric: 88, unit: 'µmol/L', referenceInterval: { low: 45, high: 90, text: '45-90' } },
      ],
    }),
  },
  {
    contract: 'GetDiagnosis', count: 500,
    item: (i) => ({ ...base(i, 'diagnosis', 'GetDiagnosis', '2'), title: 'Essentiell hypertoni', codes: [{ code: 'I10', codeSystem: '1.2.752.116.1.1.1', codeSystemName: 'ICD-10-SE', displayName: 'Essentiell hypertoni' }], attributes: { typeOfDiagnosis: 'Huvuddiagnos' } }),
  },
];

function wsdlFor(cv) {
  const dir = path.join(RIVTA, cv.schemaDir, 'interactions');
  const [interaction] = readdirSync(dir);
  const wsdl = readdirSync(path.join(dir, interaction)).find((f) => f.endsWith('.wsdl'));
  return path.join(dir, interaction, wsdl);
}

function rate(fn, items) {
  for (let i = 0; i < 3; i++) fn(); // warm up
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < TIME_BUDGET_MS) { fn(); runs++; }
  return (runs * items) / ((performance.now() - start) / 1000);
}

let oursTotal = 0, soapTotal = 0, weight = 0;
for (const c of CASES) {
  const cv = contractVersion(c.contract);
  if (!cv) { console.log(`${c.contract}: not implemented yet, skipped`); continue; }
  const items = Array.from({ length: c.count }, (_, i) => c.item(i));
  const xml = soapEnvelope(cv.writeResponse(items));
  const check = parseContractResponse(xml);
  if (check.items.length !== c.count) throw new Error(`${c.contract}: parsed ${check.items.length} of ${c.count}`);
  const client = await soap.createClientAsync(wsdlFor(cv));
  const ours = rate(() => parseContractResponse(xml), c.count);
  const theirs = rate(() => client.wsdl.xmlToObject(xml), c.count);
  console.log(`${c.contract} ${cv.version}: ${c.count} items, ${(xml.length / 1024).toFixed(0)} KiB; ours ${Math.round(ours)} items/s, soap ${Math.round(theirs)} items/s, ratio ${(ours / theirs).toFixed(2)}`);
  oursTotal += ours * c.count; soapTotal += theirs * c.count; weight += c.count;
}
const ours = oursTotal / weight, theirs = soapTotal / weight;
console.log(`contracts: ours ${Math.round(ours)} items/s, soap ${Math.round(theirs)} items/s, ratio ${(ours / theirs).toFixed(2)}`);
