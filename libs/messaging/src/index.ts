export * from './job-queue';
export { InProcessJobQueue, InProcessJobQueueOptions } from './in-process-job-queue';
export { BullMqJobQueue, BullMqJobQueueOptions, encodeJobId, decodeJobId } from './bullmq-job-queue';
