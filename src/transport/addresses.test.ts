import { describe, expect, it } from 'vitest';
import { CONTRACT_VERSIONS } from '../contracts/registry.js';
import { isJournalenError } from '../errors/index.js';
import { contractPath, contractUrl, namespaceParts, PLATFORM_PATH_TEMPLATE, SIMULATOR_PATH_TEMPLATE, templateProblem } from './addresses.js';

const ns = (responderNamespace: string) => ({ responderNamespace });

describe('contract paths from the platform template (NATIONAL-PLATFORM.md §1)', () => {
  it.each([
    // The national services this service calls.
    ['urn:riv:strategicresourcemanagement:persons:person:GetPersonsForProfileResponder:5', '/vp/strategicresourcemanagement/persons/person/GetPersonsForProfile/5/rivtabp21'],
    ['urn:riv:infrastructure:directory:organization:GetHealthCareUnitResponder:2', '/vp/infrastructure/directory/organization/GetHealthCareUnit/2/rivtabp21'],
    ['urn:riv:itintegration:engagementindex:FindContentResponder:1', '/vp/itintegration/engagementindex/FindContent/1/rivtabp21'],
    // The clinical contracts, as VP names them.
    ['urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:3', '/vp/clinicalprocess/healthcond/description/GetCareDocumentation/3/rivtabp21'],
    ['urn:riv:clinicalprocess:healthcond:actoutcome:GetMaternityMedicalHistoryResponder:2', '/vp/clinicalprocess/healthcond/actoutcome/GetMaternityMedicalHistory/2/rivtabp21'],
    ['urn:riv:clinicalprocess:healthcond:basic:GetObservationsResponder:1', '/vp/clinicalprocess/healthcond/basic/GetObservations/1/rivtabp21'],
    ['urn:riv:clinicalprocess:healthcond:description:GetFunctionalStatusResponder:2', '/vp/clinicalprocess/healthcond/description/GetFunctionalStatus/2/rivtabp21'],
    ['urn:riv:clinicalprocess:logistics:logistics:GetCarePlansResponder:2', '/vp/clinicalprocess/logistics/logistics/GetCarePlans/2/rivtabp21'],
    ['urn:riv:ehr:log:querying:GetAccessLogsForPatientResponder:1', '/vp/ehr/log/querying/GetAccessLogsForPatient/1/rivtabp21'],
  ])('%s → %s', (namespace, path) => {
    expect(contractPath(PLATFORM_PATH_TEMPLATE, ns(namespace))).toBe(path);
  });

  it('gives every contract version we speak a platform path ending in its name, major and rivtabp21', () => {
    expect(CONTRACT_VERSIONS.length).toBeGreaterThan(5);
    for (const version of CONTRACT_VERSIONS) {
      const path = contractPath(PLATFORM_PATH_TEMPLATE, version);
      expect(path).toMatch(/^\/vp\/clinicalprocess\/[a-z]+\/[a-z]+\//);
      expect(path.endsWith(`/${version.contract}/${version.major}/rivtabp21`)).toBe(true);
    }
  });

  it("follows the simulators' scheme with their template", () => {
    const careDocumentation = ns('urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:3');
    expect(contractPath(SIMULATOR_PATH_TEMPLATE, careDocumentation)).toBe('/GetCareDocumentation/3');
    expect(contractUrl('http://127.0.0.1:3106', SIMULATOR_PATH_TEMPLATE, careDocumentation)).toBe('http://127.0.0.1:3106/GetCareDocumentation/3');
  });

  it('joins a base URL with or without a trailing slash, keeping its own path', () => {
    const findContent = ns('urn:riv:itintegration:engagementindex:FindContentResponder:1');
    expect(contractUrl('https://vp.example.se/', PLATFORM_PATH_TEMPLATE, findContent)).toBe('https://vp.example.se/vp/itintegration/engagementindex/FindContent/1/rivtabp21');
    expect(contractUrl('https://vp.example.se:443/qa', '/{contract}-v{major}', findContent)).toBe('https://vp.example.se:443/qa/FindContent-v1');
  });

  it('refuses a namespace that is not a RIV-TA responder namespace', () => {
    for (const wrong of ['', 'urn:riv:GetCareDocumentationResponder:3', 'urn:riv:clinicalprocess:GetCareDocumentation:3', 'urn:x:a:bResponder:1', 'urn:riv:a:b:CResponder:x']) {
      expect(() => namespaceParts(wrong), wrong).toThrow(/responderNamespace: .* is not urn:riv:<domain>:<Contract>Responder:<major>/);
    }
  });
});

describe('path templates', () => {
  it('accepts the two known ones and other placeholder orders', () => {
    expect(templateProblem(PLATFORM_PATH_TEMPLATE)).toBeUndefined();
    expect(templateProblem(SIMULATOR_PATH_TEMPLATE)).toBeUndefined();
    expect(templateProblem('/rivta/{domain}/{contract}/{major}')).toBeUndefined();
  });

  it.each([
    ['vp/{domain}/{contract}/{major}', 'must start with /'],
    ['/vp/{domain}/{major}', 'must contain {contract}'],
    ['/vp/{domain}/{Contract}/{major}', 'unknown placeholder {Contract}'],
    ['/vp/{service}/{contract}', 'unknown placeholder {service}'],
    ['/vp/{contract}/{major', 'unmatched'],
    ['/vp/{contract}?wsdl', 'plain path'],
    ['/vp/ {contract}', 'plain path'],
  ])('%s: %s', (template, message) => {
    expect(templateProblem(template)).toContain(message);
  });

  it('is checked when a path is built', () => {
    try {
      contractPath('/{domain}', ns('urn:riv:itintegration:engagementindex:FindContentResponder:1'));
      expect.unreachable();
    } catch (error) {
      expect(isJournalenError(error, 'INPUT_INVALID')).toBe(true);
      expect((error as Error).message).toMatch(/^pathTemplate: \/\{domain\} must contain \{contract\}/);
    }
  });
});
