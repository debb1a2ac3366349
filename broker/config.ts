import type { Config } from '../kernel/config.js';

/** The slice of the kernel configuration the broker reads. */
export type BrokerConfig = Pick<
  Config,
  | 'mqttHost' | 'mqttPort' | 'mqttWs' | 'mqttWsPort' | 'mqttMaxConnections' | 'mqttMaxFrameBytes'
  | 'mqttConnectTimeoutMs' | 'ingestMaxInflight' | 'ingestMaxInflightPerClient' | 'mqttCluster' | 'mqttClusterPrefix'
  | 'redisUrl' | 'mqttTlsPort' | 'tlsRequired' | 'tlsClientCerts' | 'mqttMaxPending' | 'mqttMaxPendingPerAddress'
  | 'mqttAuthFailuresPerAddress' | 'mqttAuthFailuresPerUsername' | 'mqttBanMs' | 'mqttMaxConnecting' | 'mqttClusterLeaseMs'
  | 'mqttProxyProtocol' | 'mqttProxyTrusted'
>;
