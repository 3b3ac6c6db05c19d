export { verifyProducer, defaultTestPatients, DEFAULT_UNKNOWN_PATIENT, type VerifyProducerOptions } from './verify-producer.js';
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
