/**
 * `@baton/config`: oslo.config-compatible configuration. Declare options once (`opt.*` inside
 * `defineGroup`), load keystone.conf-style files plus `OS_<GROUP>__<OPTION>` environment variables
 * and overrides with `loadConfig`, read typed values with `config.get(group)`, and render a sample
 * file with `generateSampleConfig`. Also home to the one `Clock` and `EpochMs` every package uses.
 * @module
 */

export { BatonError } from './baton_error.ts'
export {
  type CheckedEntry,
  type ConfigCheck,
  checkConfig,
  type InvalidOption,
  unusedSummary,
} from './check.ts'
export { type Clock, type EpochMs, systemClock } from './clock.ts'
export type { Config, GroupSources, OptionSource } from './config.ts'
export { ConfigError, ConfigErrorCode } from './errors.ts'
export {
  defineGroup,
  type GroupValues,
  normalizeGroupName,
  type OptionGroup,
  type OptionSpecs,
} from './groups.ts'
export {
  type HealthcheckAnswer,
  type HealthcheckDetails,
  type HealthcheckRequest,
  type HealthcheckResult,
  type HealthcheckValues,
  healthcheckAnswer,
  healthcheckOptions,
  healthcheckResults,
  negotiateHealthcheckType,
} from './healthcheck.ts'
export {
  enforceBodyRate,
  type HttpServerTimeouts,
  httpServerOptions,
  nodeServerTimeouts,
} from './http_server.ts'
export { type IniDocument, type IniEntry, parseIni } from './ini_parser.ts'
export {
  decodeUtf8Strict,
  MAX_BODY_DEPTH,
  nestingExceeds,
  parseJsonWithin,
} from './json_text.ts'
export { type KnownOptions, openstackOptions } from './known_options.ts'
export { envName } from './layers.ts'
export { type LoadOptions, loadConfig } from './load.ts'
export {
  type LoggingValues,
  type LogSettings,
  loggingOptions,
  logSettings,
} from './logging_options.ts'
export { metricsAllowed, metricsOptions } from './metrics_options.ts'
export {
  type BoolOptions,
  type Choice,
  type CommonOptions,
  type DeprecatedName,
  type DictOptions,
  type ListOptions,
  type NumberOptions,
  type Opt,
  type OptDef,
  type OptFactory,
  type OptKind,
  opt,
  type StrOptions,
  type UriOptions,
} from './options.ts'
export {
  type ForwardedView,
  forwardedView,
  parseForwarded,
  type RequestOrigin,
  requestBaseUrl,
  requestClientAddress,
} from './proxy_headers.ts'
export { enableProxyHeadersParsing, proxyHeadersOptions } from './proxy_headers_options.ts'
export { isPlainObject, pyFloatRepr, pyRepr, pyStr } from './py_repr.ts'
export type { ValueSource } from './resolve.ts'
export { generateSampleConfig, type SampleOptions } from './sample.ts'
export {
  createNodeServer,
  fastifyTlsOptions,
  type ServerTlsOptions,
  type SslValues,
  schemeOf,
  serverTlsOptions,
  sslOptions,
} from './tls_server.ts'
export {
  activeTracing,
  type ClientSpan,
  fastifyTracingHooks,
  type ServerRequestFacts,
  type ServerSpan,
  startTracing,
  stopTracing,
  type TraceExporterName,
  type Tracing,
  type TracingChoice,
  type TracingEnv,
  tracedHandler,
  tracingChoice,
} from './tracing.ts'
export type { ClassifiedEntry, EntryKind } from './warnings.ts'
