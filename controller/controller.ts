/**
 * The controller's front door: the four modes behind one `ControllerMode` interface
 * (`onInterval(now, telemetry, actuator)`), so the simulator's onInterval hook and the live
 * controller plug in any of them the same way.
 *
 *   static     the scenario's policy, untouched
 *   reactive   HPA-rule scaling, fixed limits
 *   gradient2  Netflix Gradient2 adaptive concurrency per backend
 *   adaptive   forecasts -> tuners -> guardrails -> canary -> judge -> promote or roll back
 */
import { AdaptiveController, type AdaptiveOptions } from './adaptive-controller.js';
import type { ControllerMode, ControllerModeName } from './controller-mode.js';
import { Gradient2Mode, type Gradient2ModeOptions } from './modes/gradient2-mode.js';
import { ReactiveMode, type ReactiveOptions } from './modes/reactive-mode.js';
import { StaticMode } from './modes/static-mode.js';

export { AdaptiveController, type AdaptiveOptions } from './adaptive-controller.js';
export type { Actuator, ControllerMode, ControllerModeName } from './controller-mode.js';
export type {
  DemandForecaster,
  FleetActuator,
  PolicyActuator,
  RolloutState,
  TelemetrySource,
} from './interfaces.js';
export { Gradient2Mode } from './modes/gradient2-mode.js';
export { ReactiveMode } from './modes/reactive-mode.js';
export { StaticMode } from './modes/static-mode.js';

export type ControllerModeOptions =
  | { mode: 'static' }
  | ({ mode: 'reactive' } & ReactiveOptions)
  | ({ mode: 'gradient2' } & Gradient2ModeOptions)
  | ({ mode: 'adaptive' } & AdaptiveOptions);

export function createControllerMode(options: ControllerModeOptions): ControllerMode {
  switch (options.mode) {
    case 'static':
      return new StaticMode();
    case 'reactive':
      return new ReactiveMode(options);
    case 'gradient2':
      return new Gradient2Mode(options);
    case 'adaptive':
      return new AdaptiveController(options);
  }
}

export const controllerModeNames: readonly ControllerModeName[] = [
  'static',
  'reactive',
  'gradient2',
  'adaptive',
];
