import { describe, expect, it } from 'vitest';
import { EHR_SYSTEM_IDS } from '../../domain/ehr-systems.js';
import { contrastRatio, deltaE, FALLBACK_COLOUR, KNOWN_SYSTEM_STYLES, systemStyle } from './palette.js';

describe('system colours', () => {
  const styles = Object.entries(KNOWN_SYSTEM_STYLES);

  it('has a colour and a label for every system in the catalogue', () => {
    expect(Object.keys(KNOWN_SYSTEM_STYLES).sort()).toEqual([...EHR_SYSTEM_IDS].sort());
    expect(new Set(styles.map(([, s]) => s.label)).size).toBe(styles.length);
  });

  it('meets WCAG contrast: 3:1 against the white page (1.4.11), 4.5:1 for the white tile text (1.4.3)', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    for (const [id, { colour }] of [...styles, ['fallback', { colour: FALLBACK_COLOUR }] as const]) {
      expect(contrastRatio(colour, '#ffffff'), id).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('gives each system its own colour, except AsynjaVisph, which is TakeCare', () => {
    const colours = styles.filter(([id]) => id !== 'asynjavisph').map(([, s]) => s.colour);
    expect(new Set(colours).size).toBe(colours.length);
    expect(KNOWN_SYSTEM_STYLES.asynjavisph?.colour).toBe(KNOWN_SYSTEM_STYLES.takecare?.colour);
    // Far enough apart to tell at a glance: CIELAB ΔE of 30 or more between any two.
    for (let i = 0; i < colours.length; i++) {
      for (let j = i + 1; j < colours.length; j++) {
        expect(deltaE(colours[i]!, colours[j]!), `${colours[i]} vs ${colours[j]}`).toBeGreaterThanOrEqual(30);
      }
    }
    expect(deltaE('#ffffff', '#000000')).toBeCloseTo(100, 0);
  });

  it('labels a system an operator added from its name, in the neutral grey', () => {
    expect(systemStyle('epic', 'Epic Systems')).toEqual({ colour: FALLBACK_COLOUR, label: 'EPI' });
    expect(systemStyle('cosmic', 'Cosmic').label).toBe('COS');
  });
});
