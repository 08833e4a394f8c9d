/**
 * Picks the ArmRunner a spec names. Worker threads and queue workers call this by name, since a
 * runner object cannot cross a thread or a machine.
 */
import { SluiceError } from '../gateway-core/errors.js';
import type { ArmRunner, RunnerName } from './arm-runner.js';
import { SimulatorRunner } from './simulator-runner.js';
import { StandInRunner } from './stand-in-runner.js';

export async function createArmRunner(name: RunnerName): Promise<ArmRunner> {
  if (name === 'stand-in') return new StandInRunner();
  if (name === 'simulator') return new SimulatorRunner();
  throw new SluiceError(
    'SLUICE_CONFIG_INVALID',
    `unknown runner "${String(name)}" (expected simulator or stand-in)`,
  );
}
