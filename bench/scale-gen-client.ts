/** The parent's side of bench/scale-gen.ts: forks one load generator and asks it to grow, publish or close. */
import { fork, type ChildProcess } from 'node:child_process';

export interface Gen {
  child: ChildProcess;
  ask(m: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export async function forkGen(): Promise<Gen> {
  const child = fork(new URL('./scale-gen.ts', import.meta.url).pathname, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  return { child, ask: (m) => new Promise((resolve) => { child.once('message', (r: Record<string, unknown>) => resolve(r)); child.send(m); }) };
}
