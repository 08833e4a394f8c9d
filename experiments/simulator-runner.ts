/**
 * SimulatorRunner: runs one arm in the discrete-event simulator (simulator/run-simulation.ts).
 * Until that module exists this runner says so plainly instead of failing at import time.
 */
import { SluiceError } from '../gateway-core/errors.js';
import type { ArmRunner, RunOutput, RunRequest } from './arm-runner.js';

export class SimulatorRunner implements ArmRunner {
  async run(_request: RunRequest): Promise<RunOutput> {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      'the simulator runner is not wired yet (simulator/run-simulation.ts); use `runner: stand-in` in the spec',
    );
  }
}
