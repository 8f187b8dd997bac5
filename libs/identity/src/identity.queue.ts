/** The identity context's jobs (mails). Kept under its old name: jobs already queued stay runnable. */
export const IDENTITY_QUEUE = 'accounts';
