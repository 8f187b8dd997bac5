export { AuthenticatedAccount, StaffRole, STAFF_ROLES } from './authenticated-account';
export { bearerToken, InvalidServiceTokenError, ServiceTokenGuard } from './service-token.guard';
