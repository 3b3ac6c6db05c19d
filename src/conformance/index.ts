export { verifyProducer, checkPathTemplate, DEFAULT_UNKNOWN_PATIENT, type VerifyProducerOptions } from './verify-producer.js';
export { DEFAULT_TEST_PATIENTS, DEFAULT_OTHER_ID_KINDS, ALL_TEST_PERSONS, type TestPerson } from './test-persons.js';
// The shared transport modules, re-exported for the suite's callers (the CLI, onboarding).
export { PLATFORM_PATH_TEMPLATE, SIMULATOR_PATH_TEMPLATE, contractUrl, templateProblem } from '../transport/addresses.js';
export { createRivTransport, type RivTransport } from '../transport/riv-transport.js';
export { loadTlsMaterial, type TlsFileSettings, type TlsMaterial, type TlsSettingNames } from '../transport/tls-material.js';
export { PERIOD_FIELDS, periodFieldsFor } from './period-fields.js';
export { renderReportHtml, type ReportLang } from './html.js';
export {
  CHECK_IDS,
  CHECK_TITLES,
  CheckResultSchema,
  ConformanceReportSchema,
  ContractReportSchema,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  type ConformanceReport,
  type ContractReport,
  type SkipReason,
} from './report.js';
export { defaultRivtaDir } from './schemas.js';
