import type { CheckResult, ConformanceReport } from './report.js';

/**
 * The conformance report as one standalone HTML page (no scripts, no external files), to attach
 * to an onboarding step or mail to a producer. Swedish by default, English on request. Every
 * contract is a table with a caption; a status is a word and a symbol, never a colour alone.
 */

export type ReportLang = 'sv' | 'en';

const TEXT = {
  sv: {
    title: 'Verifiering av tjänsteproducent',
    intro: 'Resultat av Journalens konformitetstest mot en producents RIV-TA-tjänster.',
    producer: 'Producent (logisk adress)',
    endpoint: 'Adress',
    perContract: 'en adress per tjänstekontrakt',
    started: 'Startad',
    finished: 'Klar',
    residents: 'Testinvånare',
    schemas: 'XML-scheman',
    noSchemas: 'hittades inte: schemakontrollen hoppades över',
    verdict: 'Samlat resultat',
    allPassed: 'Godkänd: alla kontroller gick igenom.',
    someFailed: 'Inte godkänd: minst en kontroll gick inte igenom.',
    counts: (p: number, f: number, s: number, n: number) => `${p} godkända, ${f} underkända, ${s} överhoppade${n > 0 ? ` (varav ${n} utan data att pröva med, vilket inte räknas som godkänt)` : ''}.`,
    contract: (name: string, major: string) => `${name}, version ${major}`,
    caption: (name: string, major: string, ok: boolean) => `${name} ${major}: ${ok ? 'godkänd' : 'inte godkänd'}`,
    check: 'Kontroll',
    status: 'Resultat',
    details: 'Vad som hittades',
    url: 'Anropad adress',
    items: 'Poster',
    times: (calls: number, median: string, max: string) => `${calls} anrop, median ${median} ms, längst ${max} ms`,
    pass: 'Godkänd',
    fail: 'Underkänd',
    skipped: 'Överhoppad',
    notApplicable: 'Ej tillämplig',
    noData: 'Inga data att pröva med',
    detailsLang: 'Detaljerna är på engelska.',
  },
  en: {
    title: 'Service producer verification',
    intro: "Results of Journalen's conformance suite against a producer's RIV-TA services.",
    producer: 'Producer (logical address)',
    endpoint: 'Endpoint',
    perContract: 'one URL per service contract',
    started: 'Started',
    finished: 'Finished',
    residents: 'Test residents',
    schemas: 'XML schemas',
    noSchemas: 'not found: the schema check was skipped',
    verdict: 'Overall result',
    allPassed: 'Passed: every check passed.',
    someFailed: 'Not passed: at least one check did not pass.',
    counts: (p: number, f: number, s: number, n: number) => `${p} passed, ${f} failed, ${s} skipped${n > 0 ? ` (${n} of them with no data to check with, which is not a pass)` : ''}.`,
    contract: (name: string, major: string) => `${name}, version ${major}`,
    caption: (name: string, major: string, ok: boolean) => `${name} ${major}: ${ok ? 'passed' : 'not passed'}`,
    check: 'Check',
    status: 'Result',
    details: 'What was found',
    url: 'URL called',
    items: 'Items',
    times: (calls: number, median: string, max: string) => `${calls} calls, median ${median} ms, slowest ${max} ms`,
    pass: 'Passed',
    fail: 'Failed',
    skipped: 'Skipped',
    notApplicable: 'Not applicable',
    noData: 'No data to check with',
    detailsLang: '',
  },
} as const;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const h = (value: string | number): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function statusCell(check: CheckResult, t: (typeof TEXT)[ReportLang]): string {
  // The symbol is decorative (aria-hidden); the word carries the status for everyone.
  const [symbol, word] =
    check.status === 'pass'
      ? ['✓', t.pass]
      : check.status === 'fail'
        ? ['✗', t.fail]
        : ['–', check.skipReason === 'notApplicable' ? t.notApplicable : check.skipReason === 'noData' ? t.noData : t.skipped];
  return `<td class="status ${check.status}"><span aria-hidden="true">${symbol}</span> <strong>${h(word)}</strong></td>`;
}

export function renderReportHtml(report: ConformanceReport, lang: ReportLang = 'sv'): string {
  const t = TEXT[lang];
  const { passed, failed, skipped } = report.summary;
  // Reports stored before version 2 have no noData count.
  const noData = (report.summary as { noData?: number }).noData ?? 0;
  const time = (iso: string) => `<time datetime="${h(iso)}">${h(iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC'))}</time>`;
  const contracts = report.contracts
    .map((c, n) => {
      const id = `contract-${n + 1}`;
      const rows = c.checks
        .map(
          (check) =>
            `<tr><th scope="row">${h(check.title[lang])}</th>${statusCell(check, t)}<td lang="en">${h(check.message)}</td></tr>`,
        )
        .join('\n');
      const timing = c.responseTimes;
      return `<section aria-labelledby="${id}">
<h2 id="${id}">${h(t.contract(c.contract, c.major))}</h2>
<p>${h(t.url)}: <code>${h(c.url)}</code>. ${h(t.items)}: ${c.items}. ${h(t.times(timing.calls, String(timing.medianMs ?? '-'), String(timing.maxMs ?? '-')))}.</p>
<table>
<caption>${h(t.caption(c.contract, c.major, c.ok))}</caption>
<thead><tr><th scope="col">${h(t.check)}</th><th scope="col">${h(t.status)}</th><th scope="col">${h(t.details)}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(t.title)}: ${h(report.logicalAddress)}</title>
<style>
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 1rem auto; max-width: 72rem; padding: 0 1rem; color: #1a1a1a; background: #fff; }
table { border-collapse: collapse; width: 100%; margin-bottom: 2rem; }
caption { text-align: left; font-weight: bold; padding: 0.5rem 0; }
th, td { border: 1px solid #767676; padding: 0.4rem 0.6rem; text-align: left; vertical-align: top; }
thead th { background: #f0f0f0; }
.status { white-space: nowrap; }
.status.pass { background: #e6f4ea; }
.status.fail { background: #fde7e9; }
.status.skipped { background: #f3f3f3; }
.verdict { font-size: 1.2rem; font-weight: bold; }
code { word-break: break-all; }
</style>
</head>
<body>
<main>
<h1>${h(t.title)}</h1>
<p>${h(t.intro)}${t.detailsLang ? ` ${h(t.detailsLang)}` : ''}</p>
<dl>
<dt>${h(t.producer)}</dt><dd><code>${h(report.logicalAddress)}</code></dd>
<dt>${h(t.endpoint)}</dt><dd>${report.endpoint === null ? h(t.perContract) : `<code>${h(report.endpoint)}</code>`}</dd>
<dt>${h(t.started)}</dt><dd>${time(report.startedAt)}</dd>
<dt>${h(t.finished)}</dt><dd>${time(report.finishedAt)}</dd>
<dt>${h(t.residents)}</dt><dd>${report.settings.testResidents}</dd>
<dt>${h(t.schemas)}</dt><dd>${report.settings.schemaDir === null ? h(t.noSchemas) : `<code>${h(report.settings.schemaDir)}</code>`}</dd>
</dl>
<h2>${h(t.verdict)}</h2>
<p class="verdict">${h(report.ok ? t.allPassed : t.someFailed)}</p>
<p>${h(t.counts(passed, failed, skipped, noData))}</p>
${contracts}
</main>
</body>
</html>
`;
}
