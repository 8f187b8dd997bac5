export { AppConfig, ConfigError, Environment, loadConfig, OidcProviderConfig, RuntimeMode } from './config';
export { resolveSecrets, ResolvedConfig } from './embedded-secrets';
