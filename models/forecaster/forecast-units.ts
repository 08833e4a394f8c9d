/**
 * The units the neural forecaster learns in, as a user names them (`--units`): `linear` (the
 * default), `log` (every training value must be > 0) or `auto` (logs where every training value
 * is > 0, linear otherwise). Maps onto NeuralForecasterOptions.logScale.
 */
import { SluiceError } from '../../gateway-core/errors.js';

export const FORECAST_UNITS = ['linear', 'log', 'auto'] as const;
export type ForecastUnits = (typeof FORECAST_UNITS)[number];

/** The forecaster's logScale for units as named; unnamed is linear. */
export function logScaleFor(units: ForecastUnits = 'linear'): 'auto' | boolean {
  return units === 'auto' ? 'auto' : units === 'log';
}

/** A flag's text as units; absent is linear, anything else unknown is named with the choices. */
export function parseUnits(text: string | undefined, flag = '--units'): ForecastUnits {
  if (text === undefined) return 'linear';
  const found = FORECAST_UNITS.find((u) => u === text);
  if (found === undefined) {
    throw new SluiceError(
      'SLUICE_CONFIG_INVALID',
      `${flag}: '${text}' is not a unit; use one of ${FORECAST_UNITS.join(', ')} (auto: logs where every training value is > 0)`,
    );
  }
  return found;
}
