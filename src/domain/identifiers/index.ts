export {
  PERSONAL_IDENTITY_INVALID_REASONS,
  ageOn,
  luhnCheckDigit,
  maskPersonalIdentity,
  parsePersonalIdentity,
  tryParsePersonalIdentity,
  type ParsePersonalIdentityOptions,
  type PersonalIdentity,
  type PersonalIdentityInvalidReason,
  type PersonalIdentityKind,
  type PersonalIdentityResult,
  type Sex,
} from './personnummer.js';
export { HSA_ID_INVALID_REASONS, HSA_ID_MAX_LENGTH, isHsaId, parseHsaId, type HsaId, type HsaIdInvalidReason } from './hsa-id.js';
