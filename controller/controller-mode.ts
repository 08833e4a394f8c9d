/**
 * A controller mode: one object with one method, called by the simulator's onInterval hook (or
 * the live controller's timer) at the end of every control interval. It reads telemetry and
 * acts only through the actuator, so the four modes compare on equal terms.
 */
import type { FleetActuator, PolicyActuator, TelemetrySource } from './interfaces.js';

export type Actuator = PolicyActuator & FleetActuator;

export type ControllerModeName = 'static' | 'reactive' | 'gradient2' | 'adaptive';

export interface ControllerMode {
  readonly name: ControllerModeName;
  onInterval(now: number, telemetry: TelemetrySource, actuator: Actuator): void;
}
