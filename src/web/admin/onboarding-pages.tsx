import { Fragment } from 'react';
import { ONBOARDING_STEPS, OFFERABLE_CONTRACTS, STEP_ORDER, type Agent, type Connection, type OnboardingStepId, type VerificationJob } from '../../admin/onboarding/index.js';
import type { ConformanceReport } from '../../conformance/index.js';
import { CHECK_TITLES, DEFAULT_TEST_PATIENTS, PLATFORM_PATH_TEMPLATE, SIMULATOR_PATH_TEMPLATE } from '../../conformance/index.js';
import { INFO_TYPE_NAMES } from '../../domain/record.js';
import { REGIONS } from '../../domain/regions.js';
import { withLang, type Lang } from '../i18n.js';
import { AdminFrame, ErrorSummary, FieldErrors, fieldId, hasError, OPS_WORDS, type AdminSession, type FieldError } from './operations-frame.js';

/** The producer onboarding pages: the connections, one connection's workflow, and the agents. */

const W = {
  sv: {
    connectionsTitle: 'Producentanslutningar',
    connectionsIntro: 'Källsystem som ansluts till Journalen, steg för steg enligt anslutningsprocessen. Ett steg kan inte hoppas över.',
    listCaption: 'Anslutningar',
    id: 'Nr',
    system: 'Källsystem',
    logicalAddress: 'Logisk adress',
    region: 'Region',
    kind: 'Typ',
    kindNew: 'Ny producent',
    kindAdd: 'Fler informationsmängder',
    progress: 'Nästa steg',
    isLive: 'I produktion',
    none: 'Inga anslutningar ännu.',
    newTitle: 'Ny anslutning',
    careProviders: 'Vårdgivare (HSA-id)',
    careProvidersHint: 'Ett HSA-id per rad, till exempel SE2321000016-15CQ.',
    sourceSystemId: 'Källsystem i katalogen',
    sourceSystemName: 'Eller: namn på ett nytt källsystem',
    chooseSystem: 'Välj system',
    agent: 'Ombud',
    noAgent: 'Inget ombud',
    logicalAddressHint: 'Källsystemets HSA-id, som anges som LogicalAddress i anropen.',
    contracts: 'Tjänstekontrakt som erbjuds',
    endpoints: 'Adress per miljö',
    endpointHint: 'Bas-URL; kontraktets sökväg läggs till enligt mallen nedan.',
    pathTemplate: 'Sökväg till tjänstekontrakten',
    pathPlatform: 'Den nationella plattformens',
    pathSimulator: 'Journalens simulatorers',
    sit: 'SIT',
    qa: 'QA',
    production: 'Produktion',
    planned: 'Planerad produktionssättning',
    plannedHint: 'Krävs för fler informationsmängder: ansökan ska komma senast 3 månader före.',
    create: 'Skapa anslutning',
    stepsTitle: 'Steg',
    doneBy: (name: string, at: string) => `Klart ${at} av ${name}`,
    someone: 'en administratör',
    notDone: 'Inte gjort',
    nextTitle: 'Nästa steg',
    note: 'Anteckning',
    complete: 'Markera som klart',
    runVerification: 'Kör verifiering mot SIT och bifoga rapporten',
    verificationHint: 'Konformitetssviten anropas mot SIT-adressen för de kontrakt som erbjuds. Steget blir klart bara om rapporten är godkänd.',
    routingHint: (env: string) => `Skriver vägval och anropsbehörighet för Journalen i ${env}.`,
    liveDone: 'Anslutningen är i produktion.',
    report: 'Konformitetsrapport',
    reportPassed: 'Godkänd',
    reportFailed: 'Inte godkänd',
    reportSummary: (p: number, f: number, s: number) => `${p} godkända, ${f} underkända, ${s} hoppade över`,
    fullReport: 'Hela rapporten',
    failedChecks: 'Underkända kontroller',
    details: 'Uppgifter',
    applied: 'Ansökt',
    back: 'Alla anslutningar',
    agentsTitle: 'Ombud',
    agentsIntro: 'Organisationer som förmedlar Journalen till vårdgivare via sin egen anslutning, med agentavtal.',
    agentsCaption: 'Ombud',
    agentName: 'Organisation',
    orgNumber: 'Organisationsnummer',
    agreement: 'Agentavtal',
    agentCareProviders: 'Vårdgivare som ansluts',
    newAgent: 'Nytt ombud',
    createAgent: 'Spara ombud',
    noAgents: 'Inga ombud ännu.',
  },
  en: {
    connectionsTitle: 'Producer connections',
    connectionsIntro: 'Source systems being connected to Journalen, step by step through the onboarding process. No step can be skipped.',
    listCaption: 'Connections',
    id: 'No.',
    system: 'Source system',
    logicalAddress: 'Logical address',
    region: 'Region',
    kind: 'Kind',
    kindNew: 'New producer',
    kindAdd: 'More information types',
    progress: 'Next step',
    isLive: 'Live',
    none: 'No connections yet.',
    newTitle: 'New connection',
    careProviders: 'Care providers (HSA-id)',
    careProvidersHint: 'One HSA-id per line, e.g. SE2321000016-15CQ.',
    sourceSystemId: 'Source system in the catalogue',
    sourceSystemName: 'Or: name of a new source system',
    chooseSystem: 'Choose a system',
    agent: 'Agent',
    noAgent: 'No agent',
    logicalAddressHint: 'The source system\'s HSA-id, given as LogicalAddress in the calls.',
    contracts: 'Service contracts offered',
    endpoints: 'Address per environment',
    endpointHint: "Base URL; the contract's path is appended by the template below.",
    pathTemplate: 'Path of the service contracts',
    pathPlatform: "The national platform's",
    pathSimulator: "Journalen's simulators'",
    sit: 'SIT',
    qa: 'QA',
    production: 'Production',
    planned: 'Planned production date',
    plannedHint: 'Required for more information types: apply at least 3 months ahead.',
    create: 'Create connection',
    stepsTitle: 'Steps',
    doneBy: (name: string, at: string) => `Done ${at} by ${name}`,
    someone: 'an administrator',
    notDone: 'Not done',
    nextTitle: 'Next step',
    note: 'Note',
    complete: 'Mark as done',
    runVerification: 'Run the verification against SIT and attach the report',
    verificationHint: 'The conformance suite calls the SIT address for the contracts offered. The step is done only if the report passes.',
    routingHint: (env: string) => `Writes the routes and Journalen's call authorization in ${env}.`,
    liveDone: 'The connection is live.',
    report: 'Conformance report',
    reportPassed: 'Passed',
    reportFailed: 'Not passed',
    reportSummary: (p: number, f: number, s: number) => `${p} passed, ${f} failed, ${s} skipped`,
    fullReport: 'The whole report',
    failedChecks: 'Failed checks',
    details: 'Details',
    applied: 'Applied',
    back: 'All connections',
    agentsTitle: 'Agents',
    agentsIntro: 'Organisations that pass Journalen on to care providers through their own connection, under an agent agreement.',
    agentsCaption: 'Agents',
    agentName: 'Organisation',
    orgNumber: 'Organisation number',
    agreement: 'Agent agreement',
    agentCareProviders: 'Care providers connected',
    newAgent: 'New agent',
    createAgent: 'Save agent',
    noAgents: 'No agents yet.',
  },
} as const;

const ENV_NAMES = { sv: { sit: 'SIT', qa: 'QA', production: 'produktion' }, en: { sit: 'SIT', qa: 'QA', production: 'production' } } as const;
const regionName = (code: string) => REGIONS.find((r) => r.code === code)?.name ?? code;
const when = (d: Date, lang: Lang) => d.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { timeZone: 'Europe/Stockholm', dateStyle: 'medium', timeStyle: 'short' });

export interface SystemOption {
  readonly id: string;
  readonly name: string;
}

export type ConnectionFormValues = Readonly<Record<string, string | readonly string[]>>;

const value = (values: ConnectionFormValues, key: string): string => {
  const v = values[key];
  return typeof v === 'string' ? v : '';
};
const values = (values: ConnectionFormValues, key: string): readonly string[] => {
  const v = values[key];
  return typeof v === 'string' ? [v] : (v ?? []);
};

function TextField({ name, label, hint, errors, form, type = 'text', multiline }: { name: string; label: string; hint?: string; errors: readonly FieldError[]; form: ConnectionFormValues; type?: 'text' | 'url' | 'date'; multiline?: boolean }) {
  const id = fieldId(name);
  const invalid = hasError(errors, name);
  const described = [hint ? `${id}-hint` : null, invalid ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
      <FieldErrors errors={errors} field={name} />
      {multiline ? (
        <textarea id={id} name={name} rows={3} defaultValue={value(form, name)} aria-invalid={invalid || undefined} aria-describedby={described} />
      ) : (
        <input id={id} name={name} type={type} defaultValue={value(form, name)} aria-invalid={invalid || undefined} aria-describedby={described} autoComplete="off" />
      )}
    </div>
  );
}

export function connectionLabels(lang: Lang): Record<string, string> {
  const w = W[lang];
  return {
    kind: w.kind,
    regionCode: w.region,
    careProviderHsaIds: w.careProviders,
    sourceSystemId: w.sourceSystemId,
    sourceSystemName: w.sourceSystemName,
    agentId: w.agent,
    logicalAddress: w.logicalAddress,
    contracts: w.contracts,
    'endpoints.sit': `${w.endpoints}: ${w.sit}`,
    'endpoints.qa': `${w.endpoints}: ${w.qa}`,
    'endpoints.production': `${w.endpoints}: ${w.production}`,
    pathTemplate: w.pathTemplate,
    plannedProductionDate: w.planned,
  };
}

export function ConnectionsPage(props: {
  lang: Lang;
  path: string;
  session: AdminSession;
  connections: readonly Connection[];
  /** Regions the viewer may create connections for; empty: read only. */
  writableRegions: readonly string[];
  systems: readonly SystemOption[];
  agents: readonly Agent[];
  form: ConnectionFormValues;
  errors: readonly FieldError[];
}) {
  const { lang, path, session, connections, writableRegions, systems, agents, form, errors } = props;
  const w = W[lang];
  const labels = connectionLabels(lang);
  const systemName = (c: Connection) => (c.sourceSystemId ? (systems.find((s) => s.id === c.sourceSystemId)?.name ?? c.sourceSystemId) : (c.sourceSystemName ?? ''));
  const contractsChosen = values(form, 'contracts');
  return (
    <AdminFrame lang={lang} title={w.connectionsTitle} path={path} session={session}>
      <h1>{w.connectionsTitle}</h1>
      <p>{w.connectionsIntro}</p>
      {connections.length === 0 ? (
        <p>{w.none}</p>
      ) : (
        <div className="scroll">
          <table>
            <caption>{w.listCaption}</caption>
            <thead>
              <tr><th scope="col">{w.id}</th><th scope="col">{w.system}</th><th scope="col">{w.logicalAddress}</th><th scope="col">{w.region}</th><th scope="col">{w.kind}</th><th scope="col">{w.progress}</th></tr>
            </thead>
            <tbody>
              {connections.map((c) => (
                <tr key={c.id}>
                  <td><a href={withLang(`/admin/anslutningar/${c.id}`, lang)}>{c.id}</a></td>
                  <th scope="row"><a href={withLang(`/admin/anslutningar/${c.id}`, lang)}>{systemName(c)}</a></th>
                  <td><code>{c.logicalAddress}</code></td>
                  <td>{regionName(c.regionCode)}</td>
                  <td>{c.kind === 'new' ? w.kindNew : w.kindAdd}</td>
                  <td>{c.nextStep ? ONBOARDING_STEPS[c.nextStep].title[lang] : <span className="done">{w.isLive}</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {writableRegions.length === 0 ? (
        <p className="notice info">{OPS_WORDS[lang].readOnly}</p>
      ) : (
        <section aria-labelledby="new-connection">
          <h2 id="new-connection">{w.newTitle}</h2>
          <ErrorSummary lang={lang} errors={errors} labels={labels} />
          <form method="post" action={withLang('/admin/anslutningar', lang)} className="stack" noValidate>
            <input type="hidden" name="_csrf" value={session.csrf} />
            <fieldset>
              <legend>{w.kind}</legend>
              <FieldErrors errors={errors} field="kind" />
              {(['new', 'addInformationTypes'] as const).map((k) => (
                <div key={k}>
                  <input type="radio" id={k === 'new' ? fieldId('kind') : `${fieldId('kind')}-add`} name="kind" value={k} defaultChecked={(value(form, 'kind') || 'new') === k} />{' '}
                  <label htmlFor={k === 'new' ? fieldId('kind') : `${fieldId('kind')}-add`} style={{ display: 'inline', fontWeight: 400 }}>{k === 'new' ? w.kindNew : w.kindAdd}</label>
                </div>
              ))}
            </fieldset>
            <div>
              <label htmlFor={fieldId('regionCode')}>{w.region}</label>
              <FieldErrors errors={errors} field="regionCode" />
              <select id={fieldId('regionCode')} name="regionCode" defaultValue={value(form, 'regionCode')} aria-invalid={hasError(errors, 'regionCode') || undefined}>
                {REGIONS.filter((r) => writableRegions.includes(r.code)).map((r) => (
                  <option key={r.code} value={r.code}>{r.name}</option>
                ))}
              </select>
            </div>
            <TextField name="careProviderHsaIds" label={w.careProviders} hint={w.careProvidersHint} errors={errors} form={form} multiline />
            <div>
              <label htmlFor={fieldId('sourceSystemId')}>{w.sourceSystemId}</label>
              <FieldErrors errors={errors} field="sourceSystemId" />
              <select id={fieldId('sourceSystemId')} name="sourceSystemId" defaultValue={value(form, 'sourceSystemId')} aria-invalid={hasError(errors, 'sourceSystemId') || undefined}>
                <option value="">{w.chooseSystem}</option>
                {systems.map((s) => (
                  <option key={s.id} value={s.id}>{s.name}</option>
                ))}
              </select>
            </div>
            <TextField name="sourceSystemName" label={w.sourceSystemName} errors={errors} form={form} />
            <div>
              <label htmlFor={fieldId('agentId')}>{w.agent}</label>
              <FieldErrors errors={errors} field="agentId" />
              <select id={fieldId('agentId')} name="agentId" defaultValue={value(form, 'agentId')}>
                <option value="">{w.noAgent}</option>
                {agents.map((a) => (
                  <option key={a.id} value={String(a.id)}>{a.name}</option>
                ))}
              </select>
            </div>
            <TextField name="logicalAddress" label={w.logicalAddress} hint={w.logicalAddressHint} errors={errors} form={form} />
            <fieldset>
              <legend id={fieldId('contracts')} tabIndex={-1}>{w.contracts}</legend>
              <FieldErrors errors={errors} field="contracts" />
              <div className="checks">
                {OFFERABLE_CONTRACTS.map((c, i) => (
                  <div key={c.namespace}>
                    <input type="checkbox" id={`contract-${i}`} name="contracts" value={c.namespace} defaultChecked={contractsChosen.includes(c.namespace)} />{' '}
                    <label htmlFor={`contract-${i}`}>{`${c.contract} ${c.major}`} <span className="muted">({INFO_TYPE_NAMES[c.infoType][lang]})</span></label>
                  </div>
                ))}
              </div>
            </fieldset>
            <fieldset>
              <legend>{w.endpoints}</legend>
              <p className="hint">{w.endpointHint}</p>
              <TextField name="endpoints.sit" label={w.sit} errors={errors} form={form} type="url" />
              <TextField name="endpoints.qa" label={w.qa} errors={errors} form={form} type="url" />
              <TextField name="endpoints.production" label={w.production} errors={errors} form={form} type="url" />
            </fieldset>
            <fieldset>
              <legend id={fieldId('pathTemplate')} tabIndex={-1}>{w.pathTemplate}</legend>
              <FieldErrors errors={errors} field="pathTemplate" />
              {/* A new connection defaults to the platform's form; a form posted without the field means the simulators' (the library's default). */}
              {([['platform', PLATFORM_PATH_TEMPLATE, w.pathPlatform], ['simulator', SIMULATOR_PATH_TEMPLATE, w.pathSimulator]] as const).map(([key, template, label]) => (
                <div key={key}>
                  <input type="radio" id={`pathTemplate-${key}`} name="pathTemplate" value={template} defaultChecked={(value(form, 'pathTemplate') || PLATFORM_PATH_TEMPLATE) === template} />{' '}
                  <label htmlFor={`pathTemplate-${key}`}>{label}: <code>{template}</code></label>
                </div>
              ))}
            </fieldset>
            <TextField name="plannedProductionDate" label={w.planned} hint={w.plannedHint} errors={errors} form={form} type="date" />
            <p><button type="submit">{w.create}</button></p>
          </form>
        </section>
      )}
    </AdminFrame>
  );
}

function ReportSummary({ lang, report, href }: { lang: Lang; report: ConformanceReport; href: string }) {
  const w = W[lang];
  const failed = report.contracts.flatMap((c) => c.checks.filter((k) => k.status === 'fail').map((k) => ({ contract: `${c.contract} ${c.major}`, title: CHECK_TITLES[k.id][lang], message: k.message })));
  return (
    <div>
      <p>
        <span className={report.ok ? 'ok' : 'fail'}>{report.ok ? w.reportPassed : w.reportFailed}</span>: {w.reportSummary(report.summary.passed, report.summary.failed, report.summary.skipped)}.{' '}
        <a href={href}>{w.fullReport}</a>
      </p>
      {failed.length > 0 ? (
        <div className="scroll">
          <table>
            <caption>{w.failedChecks}</caption>
            <thead><tr><th scope="col">{w.contracts}</th><th scope="col">{w.stepsTitle}</th><th scope="col">{w.details}</th></tr></thead>
            <tbody>
              {failed.slice(0, 50).map((f, i) => (
                <tr key={i}><td>{f.contract}</td><th scope="row">{f.title}</th><td lang="en">{f.message}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}

export function ConnectionPage(props: { lang: Lang; path: string; session: AdminSession; connection: Connection; systemName: string; agentName: string | null; canWrite: boolean; error: string | null; note: string; job?: VerificationJob | null }) {
  const { lang, path, session, connection: c, systemName, agentName, canWrite, error, note, job } = props;
  const running = job?.status === 'queued' || job?.status === 'running';
  const w = W[lang];
  const title = `${systemName}: ${c.logicalAddress}`;
  const order = STEP_ORDER[c.kind];
  const next = c.nextStep;
  const nextDef = next ? ONBOARDING_STEPS[next] : null;
  return (
    <AdminFrame lang={lang} title={title} path={path} session={session}>
      <p><a href={withLang('/admin/anslutningar', lang)}>{w.back}</a></p>
      <h1>{title}</h1>
      <dl className="facts">
        <dt>{w.kind}</dt><dd>{c.kind === 'new' ? w.kindNew : w.kindAdd}</dd>
        <dt>{w.region}</dt><dd>{regionName(c.regionCode)}</dd>
        <dt>{w.careProviders}</dt><dd>{c.careProviderHsaIds.join(', ')}</dd>
        {agentName ? (<><dt>{w.agent}</dt><dd>{agentName}</dd></>) : null}
        <dt>{w.contracts}</dt><dd>{c.contracts.map((ns) => OFFERABLE_CONTRACTS.find((o) => o.namespace === ns)).map((o) => (o ? `${o.contract} ${o.major}` : '')).join(', ')}</dd>
        {(['sit', 'qa', 'production'] as const).map((env) => (
          <Fragment key={env}><dt>{`${w.endpoints}: ${w[env]}`}</dt><dd>{c.endpoints[env] ? <code>{c.endpoints[env]}</code> : '–'}</dd></Fragment>
        ))}
        <dt>{w.pathTemplate}</dt><dd><code>{c.pathTemplate}</code></dd>
        <dt>{w.applied}</dt><dd>{c.appliedOn}</dd>
        {c.plannedProductionDate ? (<><dt>{w.planned}</dt><dd>{c.plannedProductionDate}</dd></>) : null}
      </dl>

      <h2>{w.stepsTitle}</h2>
      <ol className="steps">
        {order.map((id: OnboardingStepId) => {
          const done = c.steps.find((s) => s.step === id);
          const def = ONBOARDING_STEPS[id];
          return (
            <li key={id} aria-current={id === next ? 'step' : undefined}>
              <strong>{def.title[lang]}</strong>{' '}
              {done ? <span className="done">{w.doneBy(done.doneByName ?? w.someone, when(done.doneAt, lang))}</span> : <span className="pending">{w.notDone}</span>}
              {done?.note ? <span>. {w.note}: {done.note}</span> : null}
              {done?.report ? <ReportSummary lang={lang} report={done.report} href={withLang(`/admin/anslutningar/${c.id}/rapport?steg=1`, lang)} /> : null}
              <blockquote lang="sv">{def.sources.map((s) => s.quote).join(' … ')}</blockquote>
            </li>
          );
        })}
      </ol>

      {job ? <VerificationStatus lang={lang} job={job} href={withLang(`/admin/anslutningar/${c.id}/rapport`, lang)} /> : null}

      {c.lastVerification && !running && !c.steps.some((s) => s.step === 'producerVerification') ? (
        <section aria-labelledby="last-report">
          <h2 id="last-report">{w.report}</h2>
          <ReportSummary lang={lang} report={c.lastVerification} href={withLang(`/admin/anslutningar/${c.id}/rapport`, lang)} />
        </section>
      ) : null}

      {nextDef && next ? (
        <section aria-labelledby="next-step">
          <h2 id="next-step">{`${w.nextTitle}: ${nextDef.title[lang]}`}</h2>
          {error ? <div className="error-summary" role="alert"><p lang="en">{error}</p></div> : null}
          {!canWrite ? (
            <p className="notice info">{OPS_WORDS[lang].readOnly}</p>
          ) : running && nextDef.effect.kind === 'verification' ? null : (
            <form method="post" action={withLang(`/admin/anslutningar/${c.id}/steg`, lang)} className="stack">
              <input type="hidden" name="_csrf" value={session.csrf} />
              <input type="hidden" name="step" value={next} />
              {nextDef.effect.kind === 'verification' ? <p className="hint">{w.verificationHint}</p> : null}
              {nextDef.effect.kind === 'verification' ? (
                <div>
                  <label htmlFor="f-testPatients">{JOB_WORDS[lang].testPatients}</label>
                  <p className="hint" id="f-testPatients-hint">{JOB_WORDS[lang].testPatientsHint(DEFAULT_TEST_PATIENTS.join(', '))}</p>
                  <textarea id="f-testPatients" name="testPatients" rows={2} aria-describedby="f-testPatients-hint" />
                </div>
              ) : null}
              {nextDef.effect.kind === 'routing' ? <p className="hint">{w.routingHint(ENV_NAMES[lang][nextDef.effect.environment])}</p> : null}
              <div>
                <label htmlFor="f-note">{w.note}</label>
                <textarea id="f-note" name="note" rows={2} defaultValue={note} />
              </div>
              <p><button type="submit">{nextDef.effect.kind === 'verification' ? w.runVerification : w.complete}</button></p>
            </form>
          )}
        </section>
      ) : (
        <p className="done">{w.liveDone}</p>
      )}
    </AdminFrame>
  );
}

export function agentLabels(lang: Lang): Record<string, string> {
  const w = W[lang];
  return { name: w.agentName, organisationNumber: w.orgNumber, agreementReference: w.agreement, careProviderHsaIds: w.agentCareProviders };
}

export function AgentsPage(props: { lang: Lang; path: string; session: AdminSession; agents: readonly Agent[]; canWrite: boolean; form: ConnectionFormValues; errors: readonly FieldError[] }) {
  const { lang, path, session, agents, canWrite, form, errors } = props;
  const w = W[lang];
  return (
    <AdminFrame lang={lang} title={w.agentsTitle} path={path} session={session}>
      <h1>{w.agentsTitle}</h1>
      <p>{w.agentsIntro}</p>
      {agents.length === 0 ? (
        <p>{w.noAgents}</p>
      ) : (
        <div className="scroll">
          <table>
            <caption>{w.agentsCaption}</caption>
            <thead><tr><th scope="col">{w.agentName}</th><th scope="col">{w.orgNumber}</th><th scope="col">{w.agreement}</th><th scope="col">{w.agentCareProviders}</th></tr></thead>
            <tbody>
              {agents.map((a) => (
                <tr key={a.id}><th scope="row">{a.name}</th><td>{`${a.organisationNumber.slice(0, 6)}-${a.organisationNumber.slice(6)}`}</td><td>{a.agreementReference}</td><td>{a.careProviderHsaIds.join(', ')}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {!canWrite ? (
        <p className="notice info">{OPS_WORDS[lang].readOnly}</p>
      ) : (
        <section aria-labelledby="new-agent">
          <h2 id="new-agent">{w.newAgent}</h2>
          <ErrorSummary lang={lang} errors={errors} labels={agentLabels(lang)} />
          <form method="post" action={withLang('/admin/ombud', lang)} className="stack" noValidate>
            <input type="hidden" name="_csrf" value={session.csrf} />
            <TextField name="name" label={w.agentName} errors={errors} form={form} />
            <TextField name="organisationNumber" label={w.orgNumber} errors={errors} form={form} />
            <TextField name="agreementReference" label={w.agreement} errors={errors} form={form} />
            <TextField name="careProviderHsaIds" label={w.agentCareProviders} hint={w.careProvidersHint} errors={errors} form={form} multiline />
            <p><button type="submit">{w.createAgent}</button></p>
          </form>
        </section>
      )}
    </AdminFrame>
  );
}

const JOB_WORDS = {
  sv: {
    title: 'Verifiering',
    queued: 'Verifieringen står i kö.',
    running: (done: number, total: number) => `Verifieringen pågår: ${done} av ${total} kontroller klara.`,
    refresh: 'Sidan uppdateras av sig själv var femte sekund.',
    passed: 'Verifieringen är klar och godkänd; steget är markerat som klart.',
    notPassed: 'Verifieringen är klar men inte godkänd:',
    failed: 'Verifieringen kunde inte köras:',
    report: 'Rapporten',
    testPatients: 'Testinvånare (personnummer, samordningsnummer eller reservnummer; ett per rad)',
    testPatientsHint: (d: string) => `Tomt: de nationella testpersonerna i de officiella testsviterna (${d}).`,
  },
  en: {
    title: 'Verification',
    queued: 'The verification is queued.',
    running: (done: number, total: number) => `The verification is running: ${done} of ${total} checks done.`,
    refresh: 'This page refreshes itself every five seconds.',
    passed: 'The verification has finished and passed; the step is marked done.',
    notPassed: 'The verification has finished but did not pass:',
    failed: 'The verification could not be run:',
    report: 'The report',
    testPatients: 'Test residents (personnummer, samordningsnummer or reserve number; one per line)',
    testPatientsHint: (d: string) => `Empty: the national test persons of the official test suites (${d}).`,
  },
} as const;

/** The newest verification job: progress while it runs (the page refreshes itself, no script), then its outcome. */
function VerificationStatus({ lang, job, href }: { lang: Lang; job: VerificationJob; href: string }) {
  const w = JOB_WORDS[lang];
  const running = job.status === 'queued' || job.status === 'running';
  return (
    <section aria-labelledby="verification-job">
      {running ? <meta httpEquiv="refresh" content="5" /> : null}
      <h2 id="verification-job">{w.title}</h2>
      {running ? (
        <>
          <p role="status">
            {job.status === 'queued' ? w.queued : w.running(job.checksDone, job.checksTotal)}{' '}
            {job.checksTotal > 0 ? <progress max={job.checksTotal} value={job.checksDone}>{`${job.checksDone}/${job.checksTotal}`}</progress> : null}
          </p>
          <p className="hint">{w.refresh}</p>
        </>
      ) : job.status === 'failed' ? (
        <p className="notice error" role="alert">{w.failed} <span lang="en">{job.error}</span></p>
      ) : job.problem === null ? (
        <p className="done">{w.passed} <a href={href}>{w.report}</a></p>
      ) : (
        <p className="notice error">{w.notPassed} <span lang="en">{job.problem}</span> <a href={href}>{w.report}</a></p>
      )}
    </section>
  );
}
