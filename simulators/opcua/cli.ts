/** `citybrain sim opcua-station`: a simulated OPC UA heat-exchange station until Ctrl-C. */
import { parseFlags, UsageError } from '../cli-args.js';
import type { HeatFault } from './heat-station.js';

export const OPCUA_STATION_HELP = `citybrain sim opcua-station — a simulated district-heating station speaking OPC UA

Usage: citybrain sim opcua-station [--port P] [--seed S] [--host H] [--fault supply_drop|sensor_overrange] [--secure]

  --port P     TCP port (default 4840, the OPC UA default; 0 = any free port)
  --seed S     Signal-model seed: the same seed replays the same station (default 1)
  --host H     Host name in the endpoint URL and listen address (default 127.0.0.1)
  --fault F    Start with a fault: supply_drop (supply falls to 40 °C) or sensor_overrange (250 °C)
  --secure     Also offer Sign and SignAndEncrypt endpoints (Basic256Sha256)

Objects/HeatStation exposes SupplyTemp, ReturnTemp (°C), SupplyPressure, ReturnPressure (MPa) and Flow (m³/h)
as AnalogItems following the heat model (weather-compensated supply). Connect it to a heat device with
POST /api/v1/opcua/sources {"deviceId", "endpoint", "mapping"} — the mapping is printed at start.
`;

/** Runs until SIGINT/SIGTERM or `signal` aborts; exit code 0. */
export async function opcuaStationCommand(argv: string[], io: { out: (s: string) => void; signal?: AbortSignal }): Promise<number> {
  const f = parseFlags(argv, { port: 'number', seed: 'number', host: 'string', fault: 'string', secure: 'boolean' });
  const port = typeof f['port'] === 'number' ? f['port'] : 4840;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new UsageError('--port must be an integer from 0 to 65535');
  const seed = typeof f['seed'] === 'number' ? f['seed'] : 1;
  const fault = f['fault'];
  if (fault !== undefined && fault !== 'supply_drop' && fault !== 'sensor_overrange') throw new UsageError('--fault must be supply_drop or sensor_overrange');
  // Loaded here, not at the top: node-opcua takes ~0.4 s to load and warns on Node 20; other commands need neither.
  const { HEAT_STATION_MAPPING, HeatStation } = await import('./heat-station.js');
  const station = new HeatStation({ seed, secure: f['secure'] === true });
  const endpoint = await station.start({ port, ...(typeof f['host'] === 'string' ? { hostname: f['host'] } : {}) });
  if (fault !== undefined) station.setFault(fault as HeatFault);
  io.out(`OPC UA heat station listening at ${endpoint} (seed ${seed}${fault ? `, fault ${fault}` : ''})`);
  io.out(`mapping: ${JSON.stringify(HEAT_STATION_MAPPING)}`);
  io.out('Ctrl-C stops it.');
  await new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      io.signal?.removeEventListener('abort', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (io.signal?.aborted) done();
    io.signal?.addEventListener('abort', done, { once: true });
  });
  await station.stop();
  io.out('stopped');
  return 0;
}
