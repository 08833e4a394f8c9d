/** `static`: the scenario's hand-tuned policy, left alone. The baseline every change must beat. */
import type { ControllerMode } from '../controller-mode.js';

export class StaticMode implements ControllerMode {
  readonly name = 'static' as const;
  onInterval(): void {}
}
