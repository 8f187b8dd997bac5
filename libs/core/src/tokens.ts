/** Injection tokens of the infrastructure every bounded context uses. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const SQL_DATABASE = Symbol('SQL_DATABASE');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CLOCK = Symbol('CLOCK');
export const LOGGER = Symbol('LOGGER');
export const JOB_QUEUE = Symbol('JOB_QUEUE');
export const MAILER = Symbol('MAILER');
export const DATA_KEY_STORE = Symbol('DATA_KEY_STORE');
