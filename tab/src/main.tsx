import { createDOMRenderer, RendererProvider } from '@fluentui/react-components';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import './app.css';

// The server puts a fresh CSP nonce on this meta element with every page. Fluent UI writes its
// styles into <style> elements at run time; carrying the nonce is what lets the CSP accept them.
const nonce = document.querySelector<HTMLMetaElement>('meta[property="csp-nonce"]')?.nonce || undefined;
const renderer = createDOMRenderer(document, nonce ? { styleElementAttributes: { nonce } } : {});

const container = document.getElementById('root');
if (!container) throw new Error('The page has no #root element.');
createRoot(container).render(
  <StrictMode>
    <RendererProvider renderer={renderer} targetDocument={document}>
      <App />
    </RendererProvider>
  </StrictMode>,
);
