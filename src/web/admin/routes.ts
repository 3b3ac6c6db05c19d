import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { PopulationRegister } from '../../access/register.js';
import { diffPolicies, sameSubstance } from '../../admin/rules/diff.js';
import { previewDraft, type PreviewResult } from '../../admin/rules/preview.js';
import { listVersions, createVersion, restoreVersion, type StoredVersion } from '../../admin/rules/versions.js';
import { allows, regionsAllowed, requireAdmin, rolesOf, type AdminContext } from '../../admin/roles.js';
import type { AggregatedRecord, RecordQuery } from '../../aggregation/fetch-record.js';
import type { Db } from '../../db/connection.js';
import { describePolicy } from '../../disclosure/describe.js';
import { defaultPolicy } from '../../disclosure/index.js';
import { isHsaId, tryParsePersonalIdentity } from '../../domain/identifiers/index.js';
import { findRegion, REGION_CODES, region as regionOf, type RegionCode } from '../../domain/regions.js';
import { parseIsoDate, swedishDate, type IsoDate } from '../../domain/time.js';
import { isJournalenError, JournalenError } from '../../errors/index.js';
import { loadCareDirectory } from '../../record/directory.js';
import { addAccessException, addCareSeal, blockGuardian, liftCareSeal, protectionsOf, removeAccessException, unblockGuardian } from '../../record/protections.js';
import { appendAudit } from '../../audit/index.js';
import type { AccessForm, ProtectionsLookup } from './pages.js';
import { csrfToken, requireSession } from '../auth.js';
import { pickLang, withLang, type Lang } from '../i18n.js';
import { renderPage } from '../layout.js';
import { AccessPage, EditPage, LandingPage, PreviewPage, RegionPage, RegionsPage, type RegionRow } from './pages.js';
import { formToPolicy, one, policyToForm, type FieldErrors, type FormValues } from './rules-form.js';

/**
 * The administrators' pages for disclosure rules and access exceptions. Every handler starts
 * with the role check (`requireAdmin`), so a resident without a role gets FORBIDDEN from every
 * page and every post, whatever the URL; posts also need the session's CSRF token. Personnummer
 * travel only in POST bodies, never in URLs or logs.
 */

export interface AdminRulesOptions {
  readonly db: Db;
  /** The record's live sources, for the preview; without it the preview says it is unavailable. */
  readonly aggregate?: (query: RecordQuery) => Promise<AggregatedRecord>;
  /** The population register, so a preview refuses protected, deceased and unknown residents. */
  readonly register?: PopulationRegister;
  readonly now: () => Date;
}

type Body = FormValues & { _csrf?: string };

export const registerAdminRulesPages: FastifyPluginAsync<AdminRulesOptions> = async (app, { db, aggregate, register, now }) => {
  const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
  const sessionOf = (reply: FastifyReply, ctx: AdminContext) => ({ name: ctx.name, csrf: csrfToken(reply) });

  /** Any administrator; a visitor not logged in is sent to log in first (GET only). */
  const anyAdmin = async (request: FastifyRequest): Promise<AdminContext> => {
    const session = requireSession(request);
    const grants = await rolesOf(db, session.personnummer);
    if (grants.length === 0) throw new JournalenError('FORBIDDEN', 'this page is for administrators of Journalen', { sv: 'Sidan är bara för administratörer av Journalen.' });
    const name = session.data.name ?? null;
    return { personnummer: session.personnummer, name, grants, actor: { id: session.personnummer, role: 'administrator', name } };
  };
  const loginFirst = (request: FastifyRequest, reply: FastifyReply) =>
    !request.viewerSession && !request.sessionExpired ? reply.redirect(`/logga-in?returnTo=${encodeURIComponent(request.url)}`, 303) : undefined;
  const regionParam = (code: string): RegionCode => {
    const r = findRegion(code);
    if (!r) throw new JournalenError('REGION_UNKNOWN', `no region with county code ${JSON.stringify(code)}`);
    return r.code;
  };
  const need = (request: FastifyRequest, action: 'read' | 'write', regionCode?: RegionCode) =>
    requireAdmin(request, db, regionCode === undefined ? { action } : { action, regionCode }).catch((error: unknown) => {
      if (isJournalenError(error, 'FORBIDDEN') && error.details.sv === undefined) {
        throw new JournalenError('FORBIDDEN', error.message, { sv: 'Din roll tillåter inte det här.' });
      }
      throw error;
    });

  /** The rules a draft is built on: those in force now, or the seed's when none valid are. */
  const baseOf = (versions: readonly StoredVersion[], code: RegionCode) => versions.find((v) => v.status === 'inForce')?.policy ?? defaultPolicy(code);

  app.get('/admin', async (request, reply) => {
    const redirect = loginFirst(request, reply);
    if (redirect) return redirect;
    const ctx = await anyAdmin(request);
    return html(reply, renderPage(LandingPage({ lang: pickLang(request.query), session: sessionOf(reply, ctx), grants: ctx.grants })));
  });

  app.get('/admin/regler', async (request, reply) => {
    const redirect = loginFirst(request, reply);
    if (redirect) return redirect;
    const ctx = await anyAdmin(request);
    const allowed = regionsAllowed(ctx.grants, 'read');
    const codes = allowed === 'all' ? REGION_CODES : allowed;
    const at = now();
    const rows: RegionRow[] = [];
    for (const code of codes) {
      const versions = await listVersions(db, code, at);
      const inForce = versions.find((v) => v.status === 'inForce');
      rows.push({
        code,
        name: regionOf(code).name,
        inForce: inForce?.policy ? inForce.version : null,
        pending: versions.filter((v) => v.status === 'pending').map((v) => ({ version: v.version, effectiveFrom: v.effectiveFrom })).reverse(),
        invalid: versions.some((v) => v.problem !== null),
      });
    }
    return html(reply, renderPage(RegionsPage({ lang: pickLang(request.query), session: sessionOf(reply, ctx), rows })));
  });

  app.get<{ Params: { code: string }; Querystring: { sparad?: string } }>('/admin/regler/:code', async (request, reply) => {
    const redirect = loginFirst(request, reply);
    if (redirect) return redirect;
    const code = regionParam(request.params.code);
    const ctx = await need(request, 'read', code);
    const versions = await listVersions(db, code, now());
    const inForce = versions.find((v) => v.status === 'inForce' && v.policy !== null);
    const byNumber = [...versions].sort((a, b) => a.version - b.version);
    const changesOf = (v: StoredVersion) => {
      // Compared with the version saved before it: what that save changed.
      const previous = byNumber.filter((p) => p.version < v.version && p.policy !== null).at(-1);
      return previous?.policy && v.policy ? diffPolicies(previous.policy, v.policy) : null;
    };
    const saved = /^\d{1,6}$/.test(request.query.sparad ?? '') ? Number(request.query.sparad) : undefined;
    const page = RegionPage({
      lang: pickLang(request.query),
      session: sessionOf(reply, ctx),
      code,
      inForce,
      clauses: inForce?.policy ? describePolicy(inForce.policy) : [],
      versions,
      changesOf,
      canWrite: allows(ctx.grants, { action: 'write', regionCode: code }),
      ...(saved !== undefined ? { saved } : {}),
    });
    return html(reply, renderPage(page));
  });

  app.get<{ Params: { code: string } }>('/admin/regler/:code/andra', async (request, reply) => {
    const redirect = loginFirst(request, reply);
    if (redirect) return redirect;
    const code = regionParam(request.params.code);
    const ctx = await need(request, 'write', code);
    const versions = await listVersions(db, code, now());
    const values = { ...policyToForm(baseOf(versions, code)), date: swedishDate(now()) };
    return html(reply, renderPage(EditPage({ lang: pickLang(request.query), session: sessionOf(reply, ctx), code, inForceVersion: inForceNumber(versions), values, errors: new Map() })));
  });

  app.post<{ Params: { code: string }; Body: Body }>('/admin/regler/:code/andra', { preHandler: app.csrfProtection }, async (request, reply) => {
    const code = regionParam(request.params.code);
    const ctx = await need(request, 'write', code);
    const lang = pickLang(request.query);
    const values = (request.body ?? {}) as FormValues;
    const versions = await listVersions(db, code, now());
    const base = baseOf(versions, code);
    const parsed = formToPolicy(values, base, now());
    const errors: FieldErrors = new Map(parsed.errors);
    const action = one(values.action) === 'preview' ? 'preview' : 'save';
    const render = (status: number, preview?: PreviewResult) =>
      html(reply.code(status), renderPage(EditPage({ lang, session: sessionOf(reply, ctx), code, inForceVersion: inForceNumber(versions), values, errors, ...(preview ? { preview } : {}) })));

    if (action === 'preview') {
      const input = previewInput(values, errors, now());
      if (!aggregate || !register) errors.set('form', { sv: 'Förhandsgranskning är inte tillgänglig här: tjänsten saknar kontakt med källsystemen.', en: 'Preview is not available here: the service has no connection to the source systems.' });
      if (errors.size > 0 || !parsed.draft || !input || !aggregate || !register) return render(400);
      const result = await previewDraft({ db, aggregate, register }, { actor: ctx.actor, regionCode: code, personnummer: input.personnummer, date: input.date, draft: parsed.draft, draftLabel: 'edit form' });
      return render(200, result);
    }

    if (errors.size > 0 || !parsed.draft || parsed.effective === null) return render(400);
    if (sameSubstance(parsed.draft, base) && parsed.effective === 'now') {
      errors.set('form', { sv: 'Du har inte ändrat något i reglerna som gäller nu.', en: 'You have not changed anything in the rules in force.' });
      return render(400);
    }
    try {
      const created = await createVersion(db, ctx.actor, code, parsed.draft, parsed.effective, { now, ...(parsed.comment ? { note: parsed.comment } : {}) });
      return reply.redirect(withLang(`/admin/regler/${code}?sparad=${created.version}`, lang), 303);
    } catch (error) {
      if (!isJournalenError(error, 'INPUT_INVALID') && !isJournalenError(error, 'CONFLICT')) throw error;
      const field = error.details.field === 'effectiveFrom' ? 'effective_at' : 'form';
      errors.set(field, { sv: `Kunde inte sparas: ${error.message}.`, en: `Could not be saved: ${error.message}.` });
      return render(error.statusCode);
    }
  });

  app.post<{ Params: { code: string }; Body: Body }>('/admin/regler/:code/aterstall', { preHandler: app.csrfProtection }, async (request, reply) => {
    const code = regionParam(request.params.code);
    const ctx = await need(request, 'write', code);
    const version = one((request.body ?? {}).version);
    if (!/^\d{1,6}$/.test(version)) throw new JournalenError('INPUT_INVALID', 'version must be a version number', { field: 'version' });
    const created = await restoreVersion(db, ctx.actor, code, Number(version), 'now', { now });
    return reply.redirect(withLang(`/admin/regler/${code}?sparad=${created.version}`, pickLang(request.query)), 303);
  });

  const previewPage = async (request: FastifyRequest<{ Params: { code: string }; Body: Body }>, reply: FastifyReply, posted: boolean) => {
    const code = regionParam(request.params.code);
    const ctx = await need(request, 'write', code);
    const lang = pickLang(request.query);
    const versions = await listVersions(db, code, now());
    const defaultVersion = versions.filter((v) => v.status === 'pending' && v.policy).at(-1) ?? versions.find((v) => v.status === 'inForce');
    const values: FormValues = posted ? ((request.body ?? {}) as FormValues) : { date: swedishDate(now()), version: defaultVersion ? String(defaultVersion.version) : '' };
    const errors: FieldErrors = new Map();
    const render = (status: number, result?: PreviewResult) =>
      html(reply.code(status), renderPage(PreviewPage({ lang, session: sessionOf(reply, ctx), code, versions, values, errors, ...(result ? { result } : {}) })));
    if (!posted) return render(200);
    const input = previewInput(values, errors, now());
    const chosen = versions.find((v) => String(v.version) === one(values.version) && v.policy !== null);
    if (!chosen) errors.set('version', { sv: 'Välj en giltig version.', en: 'Choose a valid version.' });
    if (!aggregate || !register) errors.set('form', { sv: 'Förhandsgranskning är inte tillgänglig här: tjänsten saknar kontakt med källsystemen.', en: 'Preview is not available here: the service has no connection to the source systems.' });
    if (errors.size > 0 || !input || !chosen || !aggregate || !register) return render(400);
    const result = await previewDraft({ db, aggregate, register }, { actor: ctx.actor, regionCode: code, personnummer: input.personnummer, date: input.date, draft: chosen.policy, draftLabel: `version ${chosen.version}` });
    return render(200, result);
  };
  app.get<{ Params: { code: string }; Body: Body }>('/admin/regler/:code/forhandsgranska', async (request, reply) => loginFirst(request, reply) ?? previewPage(request, reply, false));
  app.post<{ Params: { code: string }; Body: Body }>('/admin/regler/:code/forhandsgranska', { preHandler: app.csrfProtection }, (request, reply) => previewPage(request, reply, true));

  // --- Exceptions for 13-15 year olds, blocked guardians ---

  const accessPage = (reply: FastifyReply, lang: Lang, ctx: AdminContext, extra: { values?: FormValues; errors?: FieldErrors; form?: AccessForm; done?: AccessForm; lookup?: ProtectionsLookup } = {}, status = 200) => {
    const regions = regionsAllowed(ctx.grants, 'write');
    return html(
      reply.code(status),
      renderPage(AccessPage({ lang, session: sessionOf(reply, ctx), canWrite: regions === 'all' || regions.length > 0, regions, values: extra.values ?? {}, errors: extra.errors ?? new Map(), ...(extra.form ? { form: extra.form } : {}), ...(extra.done ? { done: extra.done } : {}), ...(extra.lookup ? { lookup: extra.lookup } : {}) })),
    );
  };

  app.get<{ Querystring: { klart?: string } }>('/admin/atkomst', async (request, reply) => {
    const redirect = loginFirst(request, reply);
    if (redirect) return redirect;
    const ctx = await anyAdmin(request);
    const done = request.query.klart === 'undantag' ? 'exception' : request.query.klart === 'sparr' ? 'block' : request.query.klart === 'forsegling' ? 'seal' : request.query.klart === 'hävt' ? 'lifted' : undefined;
    return accessPage(reply, pickLang(request.query), ctx, done ? { done } : {});
  });

  /** The unit's region, which the administrator must be allowed to change; errors go to the form. */
  const unitRegion = async (ctx: AdminContext, hsaId: string, errors: FieldErrors): Promise<RegionCode | undefined> => {
    if (!isHsaId(hsaId)) {
      errors.set('careUnit', { sv: 'Ange vårdenhetens HSA-id, till exempel SE2321000016-15CQ.', en: 'Enter the care unit’s HSA-id, for example SE2321000016-15CQ.' });
      return undefined;
    }
    const dir = await loadCareDirectory(db);
    const regionCode = dir.provider(dir.unit(hsaId)?.careProviderHsaId)?.regionCode ?? undefined;
    if (!regionCode) {
      errors.set('careUnit', { sv: 'Vårdenheten finns inte i katalogen, eller hör inte till någon region.', en: 'The care unit is not in the directory, or belongs to no region.' });
      return undefined;
    }
    if (!allows(ctx.grants, { action: 'write', regionCode })) {
      throw new JournalenError('FORBIDDEN', 'your role does not cover this care unit’s region', { sv: 'Din roll gäller inte vårdenhetens region.' });
    }
    return regionCode;
  };
  const person = (values: FormValues, field: string, errors: FieldErrors): string | undefined => {
    const parsed = tryParsePersonalIdentity(one(values[field]));
    if (parsed.ok && parsed.value.kind === 'personnummer') return parsed.value.normalized;
    errors.set(field, { sv: 'Ange ett giltigt personnummer, 12 siffror, till exempel 20100101-1234.', en: 'Enter a valid personal identity number, 12 digits, for example 20100101-1234.' });
    return undefined;
  };
  const writer = async (request: FastifyRequest) => {
    const ctx = await anyAdmin(request);
    const regions = regionsAllowed(ctx.grants, 'write');
    if (regions !== 'all' && regions.length === 0) throw new JournalenError('FORBIDDEN', 'your role cannot change exceptions or blocks', { sv: 'Din roll kan inte ändra undantag eller spärrar.' });
    return ctx;
  };

  app.post<{ Body: Body }>('/admin/atkomst/undantag', { preHandler: app.csrfProtection }, async (request, reply) => {
    const ctx = await writer(request);
    const lang = pickLang(request.query);
    const values = (request.body ?? {}) as FormValues;
    const errors: FieldErrors = new Map();
    const kind = one(values.kind);
    if (kind !== 'earlyOwnAccess' && kind !== 'extendedGuardianAccess') errors.set('kind', { sv: 'Välj typ av undantag.', en: 'Choose the kind of exception.' });
    const child = person(values, 'child', errors);
    const validFrom = parseIsoDate(one(values.validFrom));
    if (!validFrom) errors.set('validFrom', { sv: 'Ange ett datum som ÅÅÅÅ-MM-DD.', en: 'Enter a date as YYYY-MM-DD.' });
    const validToText = one(values.validTo);
    const validTo = validToText === '' ? undefined : parseIsoDate(validToText);
    if (validTo === null) errors.set('validTo', { sv: 'Ange ett datum som ÅÅÅÅ-MM-DD, eller lämna tomt.', en: 'Enter a date as YYYY-MM-DD, or leave it empty.' });
    else if (validTo && validFrom && validTo < validFrom) errors.set('validTo', { sv: 'Slutdatumet kan inte vara före startdatumet.', en: 'The end date cannot be before the start date.' });
    const careUnit = one(values.careUnit);
    await unitRegion(ctx, careUnit, errors);
    if (errors.size > 0 || !child || !validFrom) return accessPage(reply, lang, ctx, { values, errors, form: 'exception' }, 400);
    await addAccessException(db, ctx.actor, { kind: kind as 'earlyOwnAccess', child, careUnitHsaId: careUnit, validFrom, ...(validTo ? { validTo } : {}) });
    return reply.redirect(withLang('/admin/atkomst?klart=undantag', lang), 303);
  });

  app.post<{ Body: Body }>('/admin/atkomst/sparr', { preHandler: app.csrfProtection }, async (request, reply) => {
    const ctx = await writer(request);
    const lang = pickLang(request.query);
    const values = (request.body ?? {}) as FormValues;
    const errors: FieldErrors = new Map();
    const guardian = person(values, 'guardian', errors);
    const child = person(values, 'child', errors);
    if (guardian && child && guardian === child) errors.set('child', { sv: 'Barnet och vårdnadshavaren kan inte vara samma person.', en: 'The child and the guardian cannot be the same person.' });
    // A block stops a guardian's reading everywhere, not only at the deciding unit's provider, so
    // it is the national operator's to set (on the care provider's decision); the unit is recorded.
    if (!allows(ctx.grants, { action: 'write' })) {
      throw new JournalenError('FORBIDDEN', 'a guardian block covers every care provider; the national operator sets it on the care provider\'s decision', { sv: 'En spärr gäller hos alla vårdgivare och läggs av den nationella förvaltningen på vårdgivarens beslut.' });
    }
    await unitRegion(ctx, one(values.careUnit), errors);
    if (errors.size > 0 || !guardian || !child) return accessPage(reply, lang, ctx, { values, errors, form: 'block' }, 400);
    await blockGuardian(db, ctx.actor, { guardian, child });
    return reply.redirect(withLang('/admin/atkomst?klart=sparr', lang), 303);
  });

  /**
   * What protects one resident's record: seals, guardian blocks, 13-15 exceptions, each with a
   * button to lift it. The number comes in a POST form, never a URL; looking is audited.
   */
  app.post<{ Body: Body }>('/admin/atkomst/visa', { preHandler: app.csrfProtection }, async (request, reply) => {
    const ctx = await anyAdmin(request);
    const lang = pickLang(request.query);
    const values = (request.body ?? {}) as FormValues;
    const errors: FieldErrors = new Map();
    const resident = person(values, 'resident', errors);
    if (errors.size > 0 || !resident) return accessPage(reply, lang, ctx, { values, errors, form: 'lookup' }, 400);
    await appendAudit(db, { kind: 'adminAction', actor: ctx.actor, subject: resident, details: { action: 'protectionsViewed' } });
    return accessPage(reply, lang, ctx, { lookup: { resident, overview: await protectionsOf(db, resident) } });
  });

  app.post<{ Body: Body }>('/admin/atkomst/hav', { preHandler: app.csrfProtection }, async (request, reply) => {
    const ctx = await writer(request);
    const lang = pickLang(request.query);
    const values = (request.body ?? {}) as FormValues;
    const errors: FieldErrors = new Map();
    const resident = person(values, 'resident', errors);
    const what = one(values.what);
    const id = Number(one(values.id));
    if (!resident || errors.size > 0) return accessPage(reply, lang, ctx, { values, errors, form: 'lookup' }, 400);
    const overview = await protectionsOf(db, resident);
    if (what === 'seal') {
      const row = overview.seals.find((x) => x.id === id && x.seal.setBy === 'care');
      if (!row) throw new JournalenError('NOT_FOUND', 'no such care seal on this record');
      if (row.seal.kind === 'careUnit') await unitRegion(ctx, row.seal.careUnitHsaId, new Map());
      else if (row.seal.kind === 'careGiver') {
        const regionCode = (await loadCareDirectory(db)).provider(row.seal.careGiverHsaId)?.regionCode ?? undefined;
        if (!allows(ctx.grants, regionCode ? { action: 'write', regionCode } : { action: 'write' })) throw new JournalenError('FORBIDDEN', 'your role does not cover this care provider’s region');
      } else if (!allows(ctx.grants, { action: 'write' })) throw new JournalenError('FORBIDDEN', 'a period seal is the national operator’s');
      await liftCareSeal(db, ctx.actor, resident, id);
    } else if (what === 'block') {
      if (!allows(ctx.grants, { action: 'write' })) throw new JournalenError('FORBIDDEN', 'guardian blocks are the national operator’s');
      const guardian = person(values, 'guardian', errors);
      if (!guardian) return accessPage(reply, lang, ctx, { values, errors, form: 'lookup' }, 400);
      await unblockGuardian(db, ctx.actor, { guardian, child: resident });
    } else if (what === 'exception') {
      const row = overview.exceptions.find((x) => x.id === id);
      if (!row) throw new JournalenError('NOT_FOUND', 'no such exception on this record');
      await unitRegion(ctx, row.careUnitHsaId, new Map());
      await removeAccessException(db, ctx.actor, resident, id);
    } else {
      throw new JournalenError('INPUT_INVALID', 'what: must be seal, block or exception', { field: 'what' });
    }
    return accessPage(reply, lang, ctx, { done: 'lifted', lookup: { resident, overview: await protectionsOf(db, resident) } });
  });

  /**
   * Care seals (försegling) a care unit's or a care provider's information, or a period, for one
   * resident: hidden from everyone reading the record, the resident included. A care provider
   * administrator seals within its region; a period covers every provider, so only operators.
   */
  app.post<{ Body: Body }>('/admin/atkomst/forsegling', { preHandler: app.csrfProtection }, async (request, reply) => {
    const ctx = await writer(request);
    const lang = pickLang(request.query);
    const values = (request.body ?? {}) as FormValues;
    const errors: FieldErrors = new Map();
    const subject = person(values, 'subject', errors);
    const kind = one(values.sealKind);
    let seal: Parameters<typeof addCareSeal>[2] | undefined;
    if (kind === 'careUnit') {
      const careUnit = one(values.sealUnit);
      const unitErrors: FieldErrors = new Map();
      await unitRegion(ctx, careUnit, unitErrors);
      const problem = unitErrors.get('careUnit');
      if (problem) errors.set('sealUnit', problem);
      if (subject && !problem) seal = { kind: 'careUnit', subject, careUnitHsaId: careUnit, setBy: 'care' };
    } else if (kind === 'careGiver') {
      const careGiver = one(values.sealProvider);
      const regionCode = isHsaId(careGiver) ? (await loadCareDirectory(db)).provider(careGiver)?.regionCode ?? undefined : undefined;
      if (!regionCode) {
        errors.set('sealProvider', { sv: 'Ange en vårdgivare i katalogen med dess HSA-id.', en: 'Enter a care provider in the directory by its HSA-id.' });
      } else if (!allows(ctx.grants, { action: 'write', regionCode })) {
        throw new JournalenError('FORBIDDEN', 'your role does not cover this care provider’s region', { sv: 'Din roll gäller inte vårdgivarens region.' });
      } else if (subject) {
        seal = { kind: 'careGiver', subject, careGiverHsaId: careGiver, setBy: 'care' };
      }
    } else if (kind === 'period') {
      if (!allows(ctx.grants, { action: 'write' })) {
        throw new JournalenError('FORBIDDEN', 'a period seal covers every care provider; only the national operator sets one', { sv: 'En försegling av en period gäller alla vårdgivare och görs av den nationella förvaltningen.' });
      }
      const from = parseIsoDate(one(values.sealFrom));
      const toText = one(values.sealTo);
      const to = toText === '' ? undefined : parseIsoDate(toText);
      if (!from) errors.set('sealFrom', { sv: 'Ange ett datum som ÅÅÅÅ-MM-DD.', en: 'Enter a date as YYYY-MM-DD.' });
      if (to === null) errors.set('sealTo', { sv: 'Ange ett datum som ÅÅÅÅ-MM-DD, eller lämna tomt.', en: 'Enter a date as YYYY-MM-DD, or leave it empty.' });
      else if (to && from && to < from) errors.set('sealTo', { sv: 'Slutdatumet kan inte vara före startdatumet.', en: 'The end date cannot be before the start date.' });
      if (subject && from && to !== null && !errors.has('sealTo')) seal = { kind: 'period', subject, from, ...(to ? { to } : {}), setBy: 'care' };
    } else {
      errors.set('sealKind', { sv: 'Välj vad som ska förseglas.', en: 'Choose what to seal.' });
    }
    if (errors.size > 0 || !seal) return accessPage(reply, lang, ctx, { values, errors, form: 'seal' }, 400);
    await addCareSeal(db, ctx.actor, seal);
    return reply.redirect(withLang('/admin/atkomst?klart=forsegling', lang), 303);
  });
};

const inForceNumber = (versions: readonly StoredVersion[]) => versions.find((v) => v.status === 'inForce' && v.policy !== null)?.version ?? null;

/** The preview's resident and date from a form; errors go beside the fields. */
function previewInput(values: FormValues, errors: FieldErrors, now: Date): { personnummer: string; date: IsoDate } | undefined {
  const parsed = tryParsePersonalIdentity(one(values.personnummer));
  if (!parsed.ok) errors.set('personnummer', { sv: 'Ange ett giltigt personnummer, 12 siffror, till exempel 19121212-1212.', en: 'Enter a valid personal identity number, 12 digits, for example 19121212-1212.' });
  const dateText = one(values.date);
  const date = dateText === '' ? swedishDate(now) : parseIsoDate(dateText);
  if (!date) errors.set('date', { sv: 'Ange ett datum som ÅÅÅÅ-MM-DD.', en: 'Enter a date as YYYY-MM-DD.' });
  return parsed.ok && date ? { personnummer: parsed.value.normalized, date } : undefined;
}
