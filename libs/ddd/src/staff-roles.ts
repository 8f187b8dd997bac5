/** Staff roles of design.md. Roles do not imply each other (an admin is not support). */
export type StaffRole = 'support' | 'billing' | 'auditor' | 'admin';

export const STAFF_ROLES: readonly StaffRole[] = ['support', 'billing', 'auditor', 'admin'];
