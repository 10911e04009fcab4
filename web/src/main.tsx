import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { takeTokenFromFragment } from './app/token-store';
import './styles.css';

// Before anything renders or any request leaves: a `/login#token=…` link hands its token over and
// the fragment is erased from the address bar and history at once (docs/console.md, Sign-in).
takeTokenFromFragment(window.location, window.history);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
