export { AppConfig, ConfigError, DEFAULT_OIDC_TIMEOUT_SECONDS, Environment, loadConfig, OidcProviderConfig, RuntimeMode } from './config';
export { resolveSecrets, ResolvedConfig } from './embedded-secrets';
