import {
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  type Theme,
} from '@fluentui/react-components';
import type { TeamsTheme } from '../teams/teams-host';

/** Fluent UI's own Teams themes, so the tab looks like the Teams around it in each of them. */
export function fluentTheme(theme: TeamsTheme): Theme {
  switch (theme) {
    case 'default':
      return teamsLightTheme;
    case 'dark':
      return teamsDarkTheme;
    case 'contrast':
      return teamsHighContrastTheme;
  }
}

export const THEME_LABELS: Record<TeamsTheme, string> = {
  default: 'Default',
  dark: 'Dark',
  contrast: 'High contrast',
};
