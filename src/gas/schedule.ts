/**
 * The gas cost schedule (placeholder interface; the gas issue fills in the table).
 */
export type GasScheduleConfig = 'default' | 'unit' | { base?: 'default' | 'unit'; costs?: Record<string, number> };
