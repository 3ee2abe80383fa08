// Input limits shared by every procedure, so tRPC and REST reject the same things.
export const MAX_TEXT_CHARS = 200_000
export const MAX_MESSAGES = 200
export const MAX_CATEGORIES = 50
export const MAX_FORCE_TOKENS = 100
// The ML service's own limits for compression (CompressOptions.question, CompressMessagesRequest).
export const MAX_QUESTION_CHARS = 4_000
export const MAX_COMPRESS_MESSAGES = 1_000
