/**
 * The steps of the setup guide admins follow ("User guide document for private chat backup
 * service", v6.0.0): "Register A New Application" steps 1-5 and "Setup The Registered
 * Application" steps 1-12. A diagnosis names the step to redo by its id.
 */
export const GUIDE_STEPS = {
  'register-1': 'Register A New Application, step 1 (sign in with an admin account of this tenant)',
  'register-5': 'Register A New Application, step 5 (copy the Application (client) ID)',
  'setup-4': 'Setup The Registered Application, step 4 (open the application you registered)',
  'setup-5-7': 'Setup The Registered Application, steps 5-7 (create a client secret and copy its Value)',
  'setup-6': 'Setup The Registered Application, step 6 (the expiry of the client secret)',
  'setup-8-11':
    'Setup The Registered Application, steps 8-11 (add the Microsoft Graph application permissions)',
  'setup-12': 'Setup The Registered Application, step 12 (Grant admin consent)',
} as const;

export type GuideStepId = keyof typeof GUIDE_STEPS;
